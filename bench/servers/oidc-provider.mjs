// Scenario 4 peer: oidc-provider issuing JWT access tokens (ES256, like ours) for client_credentials through its
// resource indicators feature (RFC 8707), with its default in-memory adapter; and its refresh_token grant, rotating
// on every use like ours, for a public client. GET /bench/refresh-tokens?n=16 hands the load process n first refresh
// tokens, each of its own grant, made with the provider's own models (what its authorization-code flow would leave
// behind for a consented grant), since the flow itself needs an interactive login.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { benchSigningKey, jwtResourceIndicators } from './oidc-provider-common.mjs';

const port = Number(process.env.PORT ?? 0) || 5800;
const issuer = `http://127.0.0.1:${port}`;
const resource = process.env.BENCH_RESOURCE ?? 'http://127.0.0.1:5001/mcp/v1';
const jwk = await benchSigningKey();

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
    {
      client_id: 'bench_refresh',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: ['http://127.0.0.1/callback'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  // Refresh tokens for every code grant, as ours issues them (this also turns the refresh_token grant on), rotated on every use.
  issueRefreshToken: () => true,
  rotateRefreshToken: true,
  jwks: { keys: [jwk] },
  scopes: ['read', 'write'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: jwtResourceIndicators(resource),
  },
});
/** n refresh tokens for the public client, each under a grant of its own user for `resource` with scope "read write". */
async function seedRefreshTokens(n) {
  const client = await provider.Client.find('bench_refresh');
  const chains = [];
  for (let i = 0; i < n; i++) {
    const accountId = `bench-user-${i}-${Date.now()}`;
    const grant = new provider.Grant({ accountId, clientId: client.clientId });
    grant.addResourceScope(resource, 'read write');
    const grantId = await grant.save();
    const token = new provider.RefreshToken({ accountId, client, grantId, gty: 'authorization_code', scope: 'read write', resource, expiresWithSession: false });
    chains.push({ clientId: client.clientId, refreshToken: await token.save() });
  }
  return chains;
}

const app = provider.callback();
const server = createServer((req, res) => {
  if (!req.url.startsWith('/bench/refresh-tokens')) return app(req, res);
  const n = Number(new URL(req.url, issuer).searchParams.get('n') ?? 1);
  seedRefreshTokens(Math.min(n, 256)).then(
    (chains) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(chains)),
    (err) => res.writeHead(500).end(`${err?.error_description ?? ''} ${err?.stack ?? err}`),
  );
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`READY ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
