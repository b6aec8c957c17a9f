// Scenario 5 peer: oidc-provider 9 doing the complete authorization-code flow our demo mode does, with its default
// in-memory adapter: dynamic registration (its registration feature, RFC 7591), the authorization request with
// PKCE S256 and a resource indicator (RFC 8707), approval without a human, and the code exchange, which returns an
// ES256 JWT access token for the resource and a refresh token (as ours does for a client registered for
// refresh_token).
//
// Approval: oidc-provider always sends the browser to its interaction URL first. The route below is the
// equivalent of our demo mode's auto-approval: it records login and consent at once through the Grant API and
// provider.interactionFinished, with no page. So a flow is five HTTP requests here against three for ours:
//   POST /reg, GET /auth -> 303 /interaction/<uid>, GET /interaction/<uid> -> 303 /auth/<uid>,
//   GET /auth/<uid> -> 303 redirect_uri?code=..., POST /token
// with the interaction cookies carried by the client (bench/lib/oauth.ts follows the redirects).
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { benchSigningKey, jwtResourceIndicators } from './oidc-provider-common.mjs';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';

const port = Number(process.env.PORT ?? 0) || 5801;
const issuer = `http://127.0.0.1:${port}`;
const resource = process.env.BENCH_RESOURCE ?? 'http://127.0.0.1:5001/mcp/v1';
const ACCOUNT = 'demo-user';
const jwk = await benchSigningKey();

// Its default in-memory adapter, with room for more than its fixed 1,000 entries: a flow leaves ~8 (client,
// registration token, interaction, session, grant, code, refresh token, indexes), and 200 flows at once evicted
// interactions still in use. Old entries are still evicted, so memory stays bounded.
const storage = new LRU({ maxSize: 50_000 });

const provider = new Provider(issuer, {
  adapter: (model) => new MemoryAdapter(model, storage),
  jwks: { keys: [jwk] },
  scopes: ['read', 'write'],
  // Its only key is ES256; registered clients would default to RS256 ID tokens, which it could not sign.
  clientDefaults: { grant_types: ['authorization_code'], response_types: ['code'], id_token_signed_response_alg: 'ES256' },
  cookies: { keys: ['bench-cookie-key-bench-cookie-key'] },
  // Ours issues a refresh token to every client registered for the refresh_token grant; oidc-provider's default
  // asks for offline_access as well. Same rule here, so both flows end with the same two tokens.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    resourceIndicators: jwtResourceIndicators(resource),
  },
});

/** GET /interaction/<uid>: login and consent decided at once for the demo account, with what was asked. */
async function approve(req, res) {
  const { params } = await provider.interactionDetails(req, res);
  const grant = new provider.Grant({ accountId: ACCOUNT, clientId: params.client_id });
  const scope = params.scope ?? 'read write';
  // read and write are in the provider's scopes and the resource server's both: consent covers the two lists.
  grant.addOIDCScope(scope);
  grant.addResourceScope(params.resource ?? resource, scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId: ACCOUNT }, consent: { grantId } }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/interaction/')) {
    approve(req, res).catch((err) => {
      res.statusCode = 500;
      res.end(String(err?.message ?? err));
    });
  } else {
    callback(req, res);
  }
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`READY ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
