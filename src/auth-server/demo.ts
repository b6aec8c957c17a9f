import { constantTimeEqual, sha256 } from '../oauth/crypto.js';
import { formatScope } from '../oauth/scopes.js';
import type { AuthServerDeps } from './deps.js';

/** The demo user's id when seedDemo creates it. */
export const DEMO_USER_ID = 'demo-user';

/** The original demo's callback URIs; loopback ones match on any port (RFC 8252 §7.3). */
export const DEMO_REDIRECT_URIS = ['http://127.0.0.1/callback', 'http://localhost/callback', 'http://localhost:8080/callback'];

/** Runs `create`, tolerating a concurrent creator (two instances starting together): re-reads afterwards. */
async function createOnce<T>(read: () => Promise<T | undefined>, create: () => Promise<void>): Promise<T> {
  const existing = await read();
  if (existing) return existing;
  try {
    await create();
  } catch (err) {
    const raced = await read();
    if (raced) return raced;
    throw err;
  }
  return (await read())!;
}

/**
 * Demo mode (docs/architecture.md "Modes"): ensures the demo user and the fixed confidential demo client exist, as the
 * original demo had them. Idempotent; when DEMO_CLIENT_SECRET changed, the stored hash follows it.
 */
export async function seedDemo(deps: AuthServerDeps): Promise<void> {
  const { config, store, clock } = deps;
  if (!config.demo.enabled) return;
  const now = clock();

  await createOnce(
    () => store.getUserByUsername(config.demo.username),
    () => store.createUser({ id: DEMO_USER_ID, username: config.demo.username, passwordHash: null, isAdmin: true, createdAt: now }),
  );

  const secretHash = sha256(config.demo.clientSecret);
  const client = await createOnce(
    () => store.getClient(config.demo.clientId),
    () =>
      store.createClient({
        clientId: config.demo.clientId,
        clientSecretHash: secretHash,
        clientName: 'Demo client',
        redirectUris: DEMO_REDIRECT_URIS,
        grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
        responseTypes: ['code'],
        tokenEndpointAuthMethod: 'client_secret_basic',
        scope: formatScope(deps.scopes.defaults),
        applicationType: 'web',
        metadata: {},
        createdAt: now,
        lastUsedAt: null,
      }),
  );
  // The demo client may introspect, as the original's resource-server examples did (RFC 7662 §2.1).
  await store.designateResourceServer(client.clientId, now);
  if (client.clientSecretHash === null || !constantTimeEqual(client.clientSecretHash, secretHash)) {
    await store.updateClientSecret(config.demo.clientId, secretHash);
    deps.logger.warn({ clientId: config.demo.clientId }, 'demo client secret changed in the configuration; stored hash updated');
  }
}

/** The subject demo mode approves as: the demo user's id (a user created by `oauth-mcp users` keeps its own id). */
export async function demoSubject(deps: AuthServerDeps): Promise<string> {
  return (await deps.store.getUserByUsername(deps.config.demo.username))?.id ?? DEMO_USER_ID;
}
