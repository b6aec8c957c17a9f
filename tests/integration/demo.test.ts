import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_USER_ID, seedDemo } from '../../src/auth-server/demo.js';
import { sha256 } from '../../src/oauth/crypto.js';
import { makeAuthServer } from '../helpers/auth-server.js';

type Server = Awaited<ReturnType<typeof makeAuthServer>>;
let server: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('seedDemo (docs/architecture.md "Modes": demo mode)', () => {
  it('creates the demo user and the confidential demo client, as the original demo had them', async () => {
    server = await makeAuthServer();
    expect(await server.store.getUserByUsername('demo')).toMatchObject({ id: DEMO_USER_ID, isAdmin: true });
    expect(await server.store.getClient('demo_client')).toMatchObject({
      clientSecretHash: sha256('demo_secret'),
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      redirectUris: ['http://127.0.0.1/callback', 'http://localhost/callback', 'http://localhost:8080/callback'],
      scope: 'read write',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('is idempotent: a second run changes nothing', async () => {
    server = await makeAuthServer();
    const before = { users: await server.store.listUsers(), clients: await server.store.listClients() };
    await seedDemo(server.deps);
    expect({ users: await server.store.listUsers(), clients: await server.store.listClients() }).toEqual(before);
  });

  it('follows a changed DEMO_CLIENT_SECRET: the stored hash is replaced', async () => {
    server = await makeAuthServer();
    const again = await makeAuthServer({ DEMO_CLIENT_SECRET: 'a-new-secret' }, { store: server.store });
    expect((await again.store.getClient('demo_client'))!.clientSecretHash).toBe(sha256('a-new-secret'));
    expect(await again.store.listClients()).toHaveLength(1);
  });

  it('keeps an existing user with the demo username (created by `oauth-mcp users`) and its id', async () => {
    server = await makeAuthServer({ DEMO_MODE: 'false', SECRET_KEY: 'k'.repeat(40) });
    await server.store.createUser({ id: 'u-42', username: 'demo', passwordHash: null, isAdmin: false, createdAt: 1 });
    const demo = await makeAuthServer({ SECRET_KEY: 'k'.repeat(40) }, { store: server.store });
    expect(await demo.store.listUsers()).toEqual([expect.objectContaining({ id: 'u-42', username: 'demo' })]);
  });

  it('does nothing outside demo mode', async () => {
    server = await makeAuthServer({ DEMO_MODE: 'false', SECRET_KEY: 'k'.repeat(40) });
    expect(await server.store.listUsers()).toEqual([]);
    expect(await server.store.listClients()).toEqual([]);
  });
});
