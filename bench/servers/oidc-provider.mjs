// Scenario 4 peer: oidc-provider issuing JWT access tokens (ES256, like ours) for client_credentials through its
// resource indicators feature (RFC 8707), with its default in-memory adapter.
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT ?? 0) || 5800;
const issuer = `http://127.0.0.1:${port}`;
const resource = process.env.BENCH_RESOURCE ?? 'http://127.0.0.1:5001/mcp/v1';
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), use: 'sig', alg: 'ES256', kid: 'bench' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'demo_client',
      client_secret: 'demo_secret',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [jwk] },
  scopes: ['read', 'write'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => ({
        scope: 'read write',
        audience: indicator,
        accessTokenTTL: 3600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});
const server = provider.listen(port, '127.0.0.1', () => process.stdout.write(`READY ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
