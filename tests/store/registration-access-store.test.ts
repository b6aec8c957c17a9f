import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { describeEachDatabase, openStoreBeforeAll } from '../helpers/databases.js';

/** Unix seconds past 2038, so an int4 column would show. */
const T = 4_102_444_800;

describeEachDatabase('Store: initial access tokens and resource servers (migration 006)', (target) => {
  let store: Store;
  openStoreBeforeAll(target, (opened) => (store = opened));

  it('an initial access token is used once, atomically: of 10 concurrent registrations exactly one wins', async () => {
    const tokenHash = `iat-${randomUUID()}`;
    await store.insertInitialAccessToken({ tokenHash, note: 'for the notes app', createdAt: T, expiresAt: T + 3600 });
    const wins = await Promise.all(Array.from({ length: 10 }, () => store.consumeInitialAccessToken(tokenHash, T + 1)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await store.consumeInitialAccessToken(tokenHash, T + 2)).toBe(false);
    expect(await store.consumeInitialAccessToken(`unknown-${randomUUID()}`, T)).toBe(false);
  });

  it('an expired initial access token cannot be used and is purged', async () => {
    const tokenHash = `iat-${randomUUID()}`;
    await store.insertInitialAccessToken({ tokenHash, note: null, createdAt: T, expiresAt: T + 60 });
    expect(await store.consumeInitialAccessToken(tokenHash, T + 60)).toBe(false);
    expect(await store.purgeExpired(T + 61)).toBeGreaterThanOrEqual(1);
  });

  it('designating a resource server is idempotent, and deleting the client ends it', async () => {
    const clientId = `rs-${randomUUID()}`;
    await store.createClient({
      clientId,
      clientSecretHash: 'hash',
      clientName: 'Resource server',
      redirectUris: [],
      grantTypes: [],
      responseTypes: [],
      tokenEndpointAuthMethod: 'client_secret_basic',
      scope: 'read',
      applicationType: 'web',
      metadata: {},
      createdAt: T,
      lastUsedAt: null,
    });
    expect(await store.isResourceServer(clientId)).toBe(false);
    await store.designateResourceServer(clientId, T);
    await store.designateResourceServer(clientId, T + 1);
    expect(await store.isResourceServer(clientId)).toBe(true);
    await store.deleteClient(clientId);
    expect(await store.isResourceServer(clientId)).toBe(false);
  });
});
