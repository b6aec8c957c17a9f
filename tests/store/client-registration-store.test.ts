import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ClientRecord, Store } from '../../src/store/store.js';
import { describeEachDatabase, openStoreBeforeAll } from '../helpers/databases.js';

/** RFC 7592 registration access tokens (migration 008), on every database. */

const T = 4_102_444_800;

describeEachDatabase('client registration store', (target) => {
  let store: Store;
  openStoreBeforeAll(target, (opened) => (store = opened));

  const client = (): ClientRecord => ({
    clientId: `c_${randomUUID()}`,
    clientSecretHash: null,
    clientName: 'one',
    redirectUris: ['https://a.example/cb'],
    grantTypes: ['authorization_code'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'none',
    scope: 'read',
    applicationType: 'web',
    metadata: {},
    createdAt: T,
    lastUsedAt: null,
  });

  it('sets the token hash once, finds the client by it, and never by another hash or for another client', async () => {
    const c = client();
    await store.createClient(c);
    expect(await store.setRegistrationTokenHash(c.clientId, 'h1')).toBe(true);
    expect(await store.setRegistrationTokenHash(c.clientId, 'h2')).toBe(false);
    expect(await store.getClientByRegistrationToken(c.clientId, 'h1')).toStrictEqual(c);
    expect(await store.getClientByRegistrationToken(c.clientId, 'h2')).toBeUndefined();
    expect(await store.getClientByRegistrationToken('other', 'h1')).toBeUndefined();
  });

  it('creates a registered client with its token hash in one call: the hash is set, and cannot be set again', async () => {
    const c = client();
    await store.createRegisteredClient(c, 'h1');
    expect(await store.getClient(c.clientId)).toStrictEqual(c);
    expect(await store.getClientByRegistrationToken(c.clientId, 'h1')).toStrictEqual(c);
    expect(await store.setRegistrationTokenHash(c.clientId, 'h2')).toBe(false);
    await expect(store.createRegisteredClient(c, 'h3')).rejects.toThrow();
  });

  it('updates the metadata and rotates the hash only while the old hash is current (one of two concurrent updates wins)', async () => {
    const c = client();
    await store.createClient(c);
    await store.setRegistrationTokenHash(c.clientId, 'old');
    const next = { ...c, clientName: 'two', redirectUris: ['https://a.example/new'], metadata: { jwks_uri: 'https://a.example/jwks' } };
    const results = await Promise.all([store.updateRegisteredClient(next, 'old', 'n1'), store.updateRegisteredClient({ ...next, clientName: 'three' }, 'old', 'n2')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results[0] ? 'n1' : 'n2';
    expect(await store.getClientByRegistrationToken(c.clientId, 'old')).toBeUndefined();
    expect(await store.getClientByRegistrationToken(c.clientId, winner)).toMatchObject({ redirectUris: ['https://a.example/new'], metadata: { jwks_uri: 'https://a.example/jwks' } });
  });
});
