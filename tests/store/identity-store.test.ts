import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Store, UserRecord } from '../../src/store/store.js';
import { describeEachDatabase, openStoreBeforeAll } from '../helpers/databases.js';

/** Unix seconds past 2038, so an int4 column or a bigint left as a string would show. */
const T = 4_102_444_800;

const user = (over: Partial<UserRecord> = {}): UserRecord => ({
  id: `user_${randomUUID()}`,
  username: `person-${randomUUID()}@example.com`,
  passwordHash: null,
  isAdmin: false,
  createdAt: T,
  ...over,
});

describeEachDatabase('IdentityStore', (target) => {
  let store: Store;
  openStoreBeforeAll(target, (opened) => (store = opened));

  it('creates a person and the link together, and finds the person by (issuer, subject)', async () => {
    const u = user();
    const subject = randomUUID();
    await store.createUserWithIdentity(u, { issuer: 'https://idp.example', subject, provider: 'oidc', userId: u.id, email: 'a@example.com', createdAt: T, lastLoginAt: T });
    expect(await store.getIdentity('https://idp.example', subject)).toEqual({
      issuer: 'https://idp.example', subject, provider: 'oidc', userId: u.id, email: 'a@example.com', createdAt: T, lastLoginAt: T,
    });
    expect(await store.getUser(u.id)).toMatchObject({ username: u.username, passwordHash: null });
    // The same subject at another issuer is another person.
    expect(await store.getIdentity('https://other.example', subject)).toBeUndefined();
    await store.touchIdentity('https://idp.example', subject, 'changed@example.com', T + 5);
    expect(await store.getIdentity('https://idp.example', subject)).toMatchObject({ email: 'changed@example.com', lastLoginAt: T + 5, userId: u.id });
    expect((await store.listIdentitiesForUser(u.id)).map((i) => i.subject)).toEqual([subject]);
  });

  it('a second link of the same (issuer, subject) fails and leaves no half-made person', async () => {
    const first = user();
    const subject = randomUUID();
    const link = { issuer: 'https://idp.example', subject, provider: 'oidc', email: null, createdAt: T, lastLoginAt: T };
    await store.createUserWithIdentity(first, { ...link, userId: first.id });
    const second = user();
    await expect(store.createUserWithIdentity(second, { ...link, userId: second.id })).rejects.toThrow();
    expect(await store.getUser(second.id)).toBeUndefined();
    expect((await store.getIdentity('https://idp.example', subject))?.userId).toBe(first.id);
  });

  it('sets the administrator flag', async () => {
    const u = user();
    await store.createUser(u);
    await store.setUserAdmin(u.id, true);
    expect((await store.getUser(u.id))?.isAdmin).toBe(true);
    await store.setUserAdmin(u.id, false);
    expect((await store.getUser(u.id))?.isAdmin).toBe(false);
  });

  it('keeps one vault row per person and provider, replaced on save, removed with the person', async () => {
    const u = user();
    await store.createUserWithIdentity(u, { issuer: 'https://idp.example', subject: randomUUID(), provider: 'oidc', userId: u.id, email: null, createdAt: T, lastLoginAt: T });
    await store.saveUpstreamTokens({ userId: u.id, provider: 'oidc', accessToken: 'v1.a', refreshToken: 'v1.r', scope: 'openid', expiresAt: T + 60, updatedAt: T });
    await store.saveUpstreamTokens({ userId: u.id, provider: 'oidc', accessToken: 'v1.b', refreshToken: null, scope: null, expiresAt: null, updatedAt: T + 1 });
    expect(await store.getUpstreamTokens(u.id, 'oidc')).toEqual({ userId: u.id, provider: 'oidc', accessToken: 'v1.b', refreshToken: null, scope: null, expiresAt: null, updatedAt: T + 1 });
    expect(await store.getUpstreamTokens(u.id, 'github')).toBeUndefined();
    expect(await store.deleteUser(u.id)).toBe(true);
    expect(await store.getUpstreamTokens(u.id, 'oidc')).toBeUndefined();
    expect(await store.listIdentitiesForUser(u.id)).toEqual([]);
  });
});
