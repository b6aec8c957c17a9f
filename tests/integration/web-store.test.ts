import { expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { describeEachDatabase, openStoreBeforeAll } from '../helpers/databases.js';

/** The store methods the pages add (002-web migration), on every database (docs/conventions.md). */
describeEachDatabase('web store methods', (target) => {
  let store: Store;
  openStoreBeforeAll(target, (opened) => (store = opened));

  it('keeps sessions by id hash and deletes them', async () => {
    await store.createWebSession({ idHash: 'h1', userId: 'u1', createdAt: 100, expiresAt: 200 });
    expect(await store.getWebSession('h1')).toEqual({ idHash: 'h1', userId: 'u1', createdAt: 100, expiresAt: 200 });
    await store.deleteWebSession('h1');
    expect(await store.getWebSession('h1')).toBeUndefined();
  });

  it('consumes an interaction exactly once, even when two callers race', async () => {
    await store.createWebInteraction({ idHash: 'i1', request: '{"a":1}', createdAt: 100, expiresAt: 700 });
    expect((await store.getWebInteraction('i1'))?.request).toBe('{"a":1}');
    const [a, b] = await Promise.all([store.consumeWebInteraction('i1'), store.consumeWebInteraction('i1')]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await store.getWebInteraction('i1')).toBeUndefined();
  });

  it('saves, replaces and forgets consents per subject, client and resource', async () => {
    await store.saveConsent({ subject: 's', clientId: 'c', resource: 'r1', scope: 'read', createdAt: 1, updatedAt: 1 });
    await store.saveConsent({ subject: 's', clientId: 'c', resource: 'r2', scope: 'write', createdAt: 1, updatedAt: 1 });
    await store.saveConsent({ subject: 's', clientId: 'c', resource: 'r1', scope: 'read write', createdAt: 5, updatedAt: 5 });
    expect(await store.getConsent('s', 'c', 'r1')).toMatchObject({ scope: 'read write', createdAt: 1, updatedAt: 5 });
    expect((await store.getConsent('s', 'c', 'r2'))?.scope).toBe('write');
    expect(await store.getConsent('s', 'other', 'r1')).toBeUndefined();
    await store.deleteConsents('s', 'c');
    expect(await store.getConsent('s', 'c', 'r1')).toBeUndefined();
    expect(await store.getConsent('s', 'c', 'r2')).toBeUndefined();
  });

  it('purges expired sessions and interactions', async () => {
    await store.createWebSession({ idHash: 'old', userId: 'u', createdAt: 1, expiresAt: 10 });
    await store.createWebSession({ idHash: 'new', userId: 'u', createdAt: 1, expiresAt: 1000 });
    await store.createWebInteraction({ idHash: 'old-i', request: '{}', createdAt: 1, expiresAt: 10 });
    await store.purgeExpired(500);
    expect(await store.getWebSession('old')).toBeUndefined();
    expect(await store.getWebSession('new')).toBeDefined();
    expect(await store.getWebInteraction('old-i')).toBeUndefined();
  });
});
