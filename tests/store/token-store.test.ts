import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { RefreshTokenRecord, Store } from '../../src/store/store.js';
import { describeEachDatabase, openStoreBeforeAll } from '../helpers/databases.js';

/** The two store methods the token endpoint added: reading a code without using it, idempotent successor insert. */

const T = 4_102_444_800;

describeEachDatabase('token store methods', (target) => {
  let store: Store;
  openStoreBeforeAll(target, (opened) => (store = opened));

  it('AS-3: getCode reads a code without using it; consumeCode still wins afterwards', async () => {
    const codeHash = `code_${randomUUID()}`;
    await store.insertCode({
      codeHash,
      grantId: 'g',
      clientId: 'c',
      subject: 's',
      redirectUri: 'http://127.0.0.1/cb',
      codeChallenge: 'x'.repeat(43),
      scope: 'read',
      resource: 'http://127.0.0.1:5001/mcp/v1',
      expiresAt: T + 60,
      usedAt: null,
      createdAt: T,
    });
    expect(await store.getCode(codeHash)).toMatchObject({ codeHash, usedAt: null, expiresAt: T + 60 });
    expect(await store.getCode('missing')).toBeUndefined();
    expect((await store.consumeCode(codeHash, T + 1)).status).toBe('ok');
    expect((await store.getCode(codeHash))?.usedAt).toBe(T + 1);
  });

  it('AS-10: insertRefreshTokenIfAbsent inserts once; a second insert of the same hash changes nothing', async () => {
    const row: RefreshTokenRecord = {
      tokenHash: `rt_${randomUUID()}`,
      grantId: 'g',
      clientId: 'c',
      subject: 's',
      scope: 'read write',
      resource: 'http://127.0.0.1:5001/mcp/v1',
      expiresAt: T + 100,
      rotatedAt: null,
      revokedAt: null,
      createdAt: T,
    };
    expect(await store.insertRefreshTokenIfAbsent(row)).toBe(true);
    expect(await store.insertRefreshTokenIfAbsent({ ...row, scope: 'read', expiresAt: T + 999 })).toBe(false);
    expect(await store.getRefreshToken(row.tokenHash)).toEqual(row);
    const [a, b] = await Promise.all([
      store.insertRefreshTokenIfAbsent({ ...row, tokenHash: `${row.tokenHash}-2` }),
      store.insertRefreshTokenIfAbsent({ ...row, tokenHash: `${row.tokenHash}-2` }),
    ]);
    expect([a, b].sort()).toEqual([false, true]);
  });

  it('RFC 9449 §5: a refresh token keeps the DPoP key thumbprint it is bound to (migration 008); unbound has none', async () => {
    const base: RefreshTokenRecord = {
      tokenHash: `rt_${randomUUID()}`,
      grantId: 'g',
      clientId: 'c',
      subject: 's',
      scope: 'read',
      resource: 'http://127.0.0.1:5001/mcp/v1',
      expiresAt: T + 100,
      rotatedAt: null,
      revokedAt: null,
      createdAt: T,
    };
    const bound = { ...base, tokenHash: `${base.tokenHash}-bound`, dpopJkt: 'x'.repeat(43) };
    await store.insertRefreshToken(base);
    expect(await store.insertRefreshTokenIfAbsent(bound)).toBe(true);
    expect(await store.getRefreshToken(bound.tokenHash)).toStrictEqual(bound);
    expect((await store.getRefreshToken(base.tokenHash))?.dpopJkt).toBeUndefined();
  });
});
