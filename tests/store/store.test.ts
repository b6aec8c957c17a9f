import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { dialectOf, migrate, openStore } from '../../src/store/open-store.js';
import { openPostgres } from '../../src/store/postgres.js';
import type { Database } from '../../src/store/schema.js';
import { openSqlite } from '../../src/store/sqlite.js';
import type {
  AuditEventRecord,
  AuthorizationCodeRecord,
  ClientRecord,
  FlowRecord,
  GrantRecord,
  RefreshTokenRecord,
  SigningKeyRecord,
  Store,
  UserRecord,
} from '../../src/store/store.js';
import { describeEachDatabase, openStoreBeforeAll, openTestStore } from '../helpers/databases.js';

/** Unix seconds past 2038, so an int4 column or a bigint left as a string would show. */
const T = 4_102_444_800;

const id = (prefix: string) => `${prefix}_${randomUUID()}`;

function client(over: Partial<ClientRecord> = {}): ClientRecord {
  return {
    clientId: id('client'),
    clientSecretHash: 'c2VjcmV0LWhhc2g',
    clientName: 'Test Client ✓',
    redirectUris: ['http://127.0.0.1/callback', 'cursor://anysphere.cursor-retrieval/oauth/callback'],
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    scope: 'read write',
    applicationType: 'native',
    metadata: { client_uri: 'https://example.com', contacts: ['a@example.com'], nested: { n: 1, ok: true, none: null } },
    createdAt: T,
    lastUsedAt: null,
    ...over,
  };
}

function user(over: Partial<UserRecord> = {}): UserRecord {
  const uid = id('user');
  return { id: uid, username: uid, passwordHash: 'scrypt$16384$8$1$salt$hash', isAdmin: false, createdAt: T, ...over };
}

function grant(over: Partial<GrantRecord> = {}): GrantRecord {
  return {
    id: id('grant'),
    clientId: 'client-a',
    subject: id('subject'),
    scope: 'read',
    resource: 'http://127.0.0.1:5001/mcp/v1',
    createdAt: T,
    lastUsedAt: null,
    revokedAt: null,
    ...over,
  };
}

function code(over: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord {
  return {
    codeHash: id('code'),
    grantId: 'grant-a',
    clientId: 'client-a',
    subject: 'user-a',
    redirectUri: 'http://127.0.0.1:33418/callback',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    scope: 'read write',
    resource: 'http://127.0.0.1:5001/mcp/v1',
    expiresAt: T + 60,
    usedAt: null,
    createdAt: T,
    ...over,
  };
}

function refresh(over: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    tokenHash: id('rt'),
    grantId: 'grant-a',
    clientId: 'client-a',
    subject: 'user-a',
    scope: 'read',
    resource: 'http://127.0.0.1:5001/mcp/v1',
    expiresAt: T + 86_400,
    rotatedAt: null,
    revokedAt: null,
    createdAt: T,
    ...over,
  };
}

function signingKey(over: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  return {
    kid: id('kid'),
    alg: 'ES256',
    publicJwk: { kty: 'EC', crv: 'P-256', x: 'x-coordinate', y: 'y-coordinate' },
    privateJwkEncrypted: 'v1.iv.tag.data',
    createdAt: T,
    retiredAt: null,
    expiresAt: null,
    ...over,
  };
}

function openKysely(url: string): Kysely<Database> {
  return dialectOf(url) === 'sqlite' ? openSqlite(url.slice('sqlite:'.length)) : openPostgres(url);
}

/** Every migration the code ships, in the order the migrator applies them. */
async function shippedMigrations(url: string): Promise<string[]> {
  return Object.keys(await migrationProvider(dialectOf(url)).getMigrations()).sort();
}

async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return r.rows.map((x) => x.name);
}

describeEachDatabase('Store', (target) => {
  let store: Store;
  openStoreBeforeAll(target, (opened) => (store = opened));

  /** A store on its own empty database, for tests that count or reopen. */
  async function withFreshStore(fn: (s: Store, url: string) => Promise<void>): Promise<void> {
    const fresh = await openTestStore(target);
    try {
      await fn(fresh.store, fresh.url);
    } finally {
      await fresh.close();
    }
  }

  it('reports its dialect and answers ping', async () => {
    expect(store.dialect).toBe(target.name.startsWith('SQLite') ? 'sqlite' : 'postgres');
    await expect(store.ping()).resolves.toBeUndefined();
  });

  describe('clients', () => {
    it('round-trips every field, JSON arrays and metadata included', async () => {
      const c = client();
      await store.createClient(c);
      expect(await store.getClient(c.clientId)).toStrictEqual(c);
    });

    it('keeps a public client with a null secret and no name', async () => {
      const c = client({ clientSecretHash: null, clientName: null, tokenEndpointAuthMethod: 'none', metadata: {} });
      await store.createClient(c);
      expect(await store.getClient(c.clientId)).toStrictEqual(c);
    });

    it('returns undefined for an unknown client and refuses a duplicate client_id', async () => {
      expect(await store.getClient(id('missing'))).toBeUndefined();
      const c = client();
      await store.createClient(c);
      await expect(store.createClient({ ...c, clientName: 'other' })).rejects.toThrow();
      expect((await store.getClient(c.clientId))?.clientName).toBe(c.clientName);
    });

    it('lists clients oldest first', async () => {
      const newer = client({ createdAt: T + 20 });
      const older = client({ createdAt: T + 10 });
      await store.createClient(newer);
      await store.createClient(older);
      const ids = (await store.listClients()).map((c) => c.clientId);
      expect(ids).toContain(newer.clientId);
      expect(ids.indexOf(older.clientId)).toBeLessThan(ids.indexOf(newer.clientId));
    });

    it('updateClientSecret replaces the hash of an existing client only', async () => {
      const c = client();
      await store.createClient(c);
      expect(await store.updateClientSecret(c.clientId, 'bmV3LWhhc2g')).toBe(true);
      expect(await store.getClient(c.clientId)).toStrictEqual({ ...c, clientSecretHash: 'bmV3LWhhc2g' });
      expect(await store.updateClientSecret(id('missing'), 'x')).toBe(false);
    });

    it('touchClient records the last use; deleteClient removes once', async () => {
      const c = client();
      await store.createClient(c);
      await store.touchClient(c.clientId, T + 5);
      expect((await store.getClient(c.clientId))?.lastUsedAt).toBe(T + 5);
      expect(await store.deleteClient(c.clientId)).toBe(true);
      expect(await store.getClient(c.clientId)).toBeUndefined();
      expect(await store.deleteClient(c.clientId)).toBe(false);
    });
  });

  describe('users', () => {
    it('creates and finds a user by id and by username', async () => {
      const u = user({ isAdmin: true });
      await store.createUser(u);
      expect(await store.getUser(u.id)).toStrictEqual(u);
      expect(await store.getUserByUsername(u.username)).toStrictEqual(u);
      expect(await store.getUser(id('missing'))).toBeUndefined();
      expect(await store.getUserByUsername(id('missing'))).toBeUndefined();
    });

    it('refuses a second user with the same username', async () => {
      const u = user();
      await store.createUser(u);
      await expect(store.createUser({ ...u, id: id('user') })).rejects.toThrow();
    });

    it('lists users by username and keeps isAdmin and a null password', async () => {
      const b = user({ username: `zz-b-${randomUUID()}`, passwordHash: null });
      const a = user({ username: `zz-a-${randomUUID()}` });
      await store.createUser(b);
      await store.createUser(a);
      const listed = (await store.listUsers()).filter((x) => x.id === a.id || x.id === b.id);
      expect(listed).toStrictEqual([a, b]);
    });

    it('sets a password and deletes a user', async () => {
      const u = user();
      await store.createUser(u);
      expect(await store.setUserPassword(u.id, 'scrypt$new')).toBe(true);
      expect((await store.getUser(u.id))?.passwordHash).toBe('scrypt$new');
      expect(await store.setUserPassword(id('missing'), 'x')).toBe(false);
      expect(await store.deleteUser(u.id)).toBe(true);
      expect(await store.getUser(u.id)).toBeUndefined();
      expect(await store.deleteUser(u.id)).toBe(false);
    });
  });

  describe('grants', () => {
    it('round-trips, lists newest first for a subject and records the last use', async () => {
      const subject = id('subject');
      const g1 = grant({ subject, createdAt: T });
      const g2 = grant({ subject, createdAt: T + 1 });
      await store.createGrant(g1);
      await store.createGrant(g2);
      await store.createGrant(grant());
      expect(await store.getGrant(g1.id)).toStrictEqual(g1);
      expect((await store.listGrantsForSubject(subject)).map((g) => g.id)).toStrictEqual([g2.id, g1.id]);
      const clientId = id('client');
      const c1 = grant({ clientId, createdAt: T });
      const c2 = grant({ clientId, createdAt: T + 2 });
      for (const g of [c1, c2]) await store.createGrant(g);
      expect((await store.listGrantsForClient(clientId)).map((g) => g.id)).toStrictEqual([c2.id, c1.id]);
      await store.touchGrant(g1.id, T + 9);
      expect((await store.getGrant(g1.id))?.lastUsedAt).toBe(T + 9);
      expect(await store.getGrant(id('missing'))).toBeUndefined();
    });

    it('revokeGrant revokes the grant and every refresh token of it, and nothing else', async () => {
      const g = grant();
      const other = grant();
      await store.createGrant(g);
      await store.createGrant(other);
      const a = refresh({ grantId: g.id });
      const b = refresh({ grantId: g.id, rotatedAt: T + 1 });
      const earlier = refresh({ grantId: g.id, revokedAt: T + 2 });
      const foreign = refresh({ grantId: other.id });
      for (const t of [a, b, earlier, foreign]) await store.insertRefreshToken(t);

      await store.revokeGrant(g.id, T + 50);

      expect((await store.getGrant(g.id))?.revokedAt).toBe(T + 50);
      expect((await store.getRefreshToken(a.tokenHash))?.revokedAt).toBe(T + 50);
      expect((await store.getRefreshToken(b.tokenHash))?.revokedAt).toBe(T + 50);
      // An earlier revocation keeps its own time.
      expect((await store.getRefreshToken(earlier.tokenHash))?.revokedAt).toBe(T + 2);
      expect((await store.getRefreshToken(foreign.tokenHash))?.revokedAt).toBeNull();
      expect((await store.getGrant(other.id))?.revokedAt).toBeNull();

      // Revoking again does not move the first revocation time.
      await store.revokeGrant(g.id, T + 99);
      expect((await store.getGrant(g.id))?.revokedAt).toBe(T + 50);
    });
  });

  describe('authorization codes', () => {
    it('consumeCode: the first use is ok, the second is a replay, an unknown code is not_found', async () => {
      const c = code();
      await store.insertCode(c);
      expect(await store.consumeCode(c.codeHash, T + 1)).toStrictEqual({ status: 'ok', code: { ...c, usedAt: T + 1 } });
      expect(await store.consumeCode(c.codeHash, T + 2)).toStrictEqual({ status: 'replayed', code: { ...c, usedAt: T + 1 } });
      expect(await store.consumeCode(id('unknown'), T + 3)).toStrictEqual({ status: 'not_found' });
    });

    it('getCode reads a code without using it', async () => {
      const c = code();
      await store.insertCode(c);
      expect(await store.getCode(c.codeHash)).toStrictEqual(c);
      expect(await store.getCode(c.codeHash)).toStrictEqual(c);
      expect((await store.consumeCode(c.codeHash, T + 1)).status).toBe('ok');
      expect(await store.getCode(c.codeHash)).toStrictEqual({ ...c, usedAt: T + 1 });
      expect(await store.getCode(id('missing'))).toBeUndefined();
    });

    it('getCodeWithGrant reads the code with its grant (flow id, touch and revocation included); a missing grant is undefined, an unknown code undefined', async () => {
      const g = grant({ flowId: id('fl') });
      await store.createGrant(g);
      const c = code({ grantId: g.id });
      await store.insertCode(c);
      expect(await store.getCodeWithGrant(c.codeHash)).toStrictEqual({ code: c, grant: g });

      await store.touchGrant(g.id, T + 4);
      await store.revokeGrant(g.id, T + 9);
      expect((await store.consumeCode(c.codeHash, T + 5)).status).toBe('ok');
      expect(await store.getCodeWithGrant(c.codeHash)).toStrictEqual({ code: { ...c, usedAt: T + 5 }, grant: { ...g, lastUsedAt: T + 4, revokedAt: T + 9 } });

      const plain = grant();
      await store.createGrant(plain);
      const d = code({ grantId: plain.id });
      await store.insertCode(d);
      expect(await store.getCodeWithGrant(d.codeHash)).toStrictEqual({ code: d, grant: plain });

      const orphan = code({ grantId: id('gone') });
      await store.insertCode(orphan);
      expect(await store.getCodeWithGrant(orphan.codeHash)).toStrictEqual({ code: orphan, grant: undefined });
      expect(await store.getCodeWithGrant(id('missing'))).toBeUndefined();
    });

    it('createGrantWithCode writes the grant and its code together', async () => {
      const g = grant({ flowId: id('fl') });
      const c = code({ grantId: g.id, clientId: g.clientId, subject: g.subject });
      await store.createGrantWithCode(g, c);
      expect(await store.getGrant(g.id)).toStrictEqual(g);
      expect(await store.getCodeWithGrant(c.codeHash)).toStrictEqual({ code: c, grant: g });
      const plain = grant();
      await store.createGrantWithCode(plain, code({ grantId: plain.id }));
      expect(await store.getGrant(plain.id)).toStrictEqual(plain);
    });

    it('createGrantWithCode writes neither when the code cannot be written (a duplicate hash)', async () => {
      const c = code();
      await store.insertCode(c);
      const g = grant();
      await expect(store.createGrantWithCode(g, { ...c, grantId: g.id })).rejects.toThrow();
      expect(await store.getGrant(g.id)).toBeUndefined();
    });

    it('redeemCode uses the code and touches its grant, and its client only when asked; a loser writes nothing', async () => {
      const cl = client({ lastUsedAt: T - 600 });
      await store.createClient(cl);
      const g = grant({ clientId: cl.clientId });
      const c = code({ grantId: g.id, clientId: cl.clientId });
      await store.createGrantWithCode(g, c);
      expect(await store.redeemCode(c.codeHash, T + 1, { touchClient: true })).toStrictEqual({ status: 'ok', code: { ...c, usedAt: T + 1 } });
      expect((await store.getGrant(g.id))?.lastUsedAt).toBe(T + 1);
      expect((await store.getClient(cl.clientId))?.lastUsedAt).toBe(T + 1);
      // A replay reports the first use and moves nothing.
      expect(await store.redeemCode(c.codeHash, T + 2, { touchClient: true })).toStrictEqual({ status: 'replayed', code: { ...c, usedAt: T + 1 } });
      expect((await store.getGrant(g.id))?.lastUsedAt).toBe(T + 1);
      expect((await store.getClient(cl.clientId))?.lastUsedAt).toBe(T + 1);
      expect(await store.redeemCode(id('unknown'), T + 3, { touchClient: true })).toStrictEqual({ status: 'not_found' });

      const g2 = grant({ clientId: cl.clientId });
      const c2 = code({ grantId: g2.id, clientId: cl.clientId });
      await store.createGrantWithCode(g2, c2);
      expect((await store.redeemCode(c2.codeHash, T + 4, { touchClient: false })).status).toBe('ok');
      expect((await store.getGrant(g2.id))?.lastUsedAt).toBe(T + 4);
      expect((await store.getClient(cl.clientId))?.lastUsedAt).toBe(T + 1);
    });

    it('redeemCode under 20 concurrent calls: exactly one wins, the grant is touched once, by the winner', async () => {
      const g = grant();
      const c = code({ grantId: g.id });
      await store.createGrantWithCode(g, c);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.redeemCode(c.codeHash, T + 100 + i, { touchClient: false })));
      const ok = results.filter((r) => r.status === 'ok');
      expect(ok).toHaveLength(1);
      expect(results.filter((r) => r.status === 'replayed')).toHaveLength(19);
      const wonAt = ok[0]!.status === 'ok' ? ok[0]!.code.usedAt : undefined;
      expect((await store.getGrant(g.id))?.lastUsedAt).toBe(wonAt);
    });

    it('consumeCode under 20 concurrent calls: exactly one wins (RFC 6749 §4.1.2 single use)', async () => {
      const c = code();
      await store.insertCode(c);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.consumeCode(c.codeHash, T + 100 + i)));
      const ok = results.filter((r) => r.status === 'ok');
      expect(ok).toHaveLength(1);
      expect(results.filter((r) => r.status === 'replayed')).toHaveLength(19);
      const winnerAt = ok[0]!.status === 'ok' ? ok[0]!.code.usedAt : undefined;
      // Every loser sees the winner's time: nobody overwrote used_at after the winner.
      for (const r of results) expect(r.status !== 'not_found' && r.code.usedAt).toBe(winnerAt);
    });
  });

  describe('refresh tokens', () => {
    it('round-trips and returns undefined for an unknown hash', async () => {
      const t = refresh();
      await store.insertRefreshToken(t);
      expect(await store.getRefreshToken(t.tokenHash)).toStrictEqual(t);
      expect(await store.getRefreshToken(id('missing'))).toBeUndefined();
    });

    it('insertRefreshTokenIfAbsent inserts once and never overwrites', async () => {
      const t = refresh();
      expect(await store.insertRefreshTokenIfAbsent(t)).toBe(true);
      expect(await store.insertRefreshTokenIfAbsent({ ...t, scope: 'write', expiresAt: T + 1 })).toBe(false);
      expect(await store.getRefreshToken(t.tokenHash)).toStrictEqual(t);
      await expect(store.insertRefreshToken(t)).rejects.toThrow();
    });

    it('insertRefreshTokenIfAbsent under 10 concurrent calls inserts exactly once', async () => {
      const t = refresh();
      const inserted = await Promise.all(Array.from({ length: 10 }, () => store.insertRefreshTokenIfAbsent(t)));
      expect(inserted.filter(Boolean)).toHaveLength(1);
      expect(await store.getRefreshToken(t.tokenHash)).toStrictEqual(t);
    });

    it('AS-10: rotateRefreshToken marks the token rotated and inserts its successor, once; a revoked or unknown token is not rotated', async () => {
      const t = refresh();
      await store.insertRefreshToken(t);
      const next = refresh({ grantId: t.grantId, createdAt: T + 1, expiresAt: T + 1 + 86_400 });
      expect(await store.rotateRefreshToken(t.tokenHash, T + 1, next)).toEqual({ rotated: true, inserted: true });
      expect((await store.getRefreshToken(t.tokenHash))?.rotatedAt).toBe(T + 1);
      expect(await store.getRefreshToken(next.tokenHash)).toStrictEqual(next);
      // Already rotated: nothing is written, the successor a second call names is not inserted.
      const other = refresh({ grantId: t.grantId });
      expect(await store.rotateRefreshToken(t.tokenHash, T + 2, other)).toEqual({ rotated: false, inserted: false });
      expect((await store.getRefreshToken(t.tokenHash))?.rotatedAt).toBe(T + 1);
      expect(await store.getRefreshToken(other.tokenHash)).toBeUndefined();

      const revoked = refresh({ revokedAt: T });
      await store.insertRefreshToken(revoked);
      const orphan = refresh();
      expect(await store.rotateRefreshToken(revoked.tokenHash, T + 1, orphan)).toEqual({ rotated: false, inserted: false });
      expect(await store.rotateRefreshToken(id('missing'), T + 1, orphan)).toEqual({ rotated: false, inserted: false });
      expect(await store.getRefreshToken(orphan.tokenHash)).toBeUndefined();
      expect((await store.getRefreshToken(revoked.tokenHash))?.rotatedAt).toBeNull();
    });

    it('AS-10: rotateRefreshToken with a successor already stored rotates and leaves that row as it was; the DPoP binding is kept', async () => {
      const t = refresh({ dpopJkt: 'j'.repeat(43) });
      await store.insertRefreshToken(t);
      const next = refresh({ dpopJkt: 'j'.repeat(43) });
      const revokedTwin = { ...next, revokedAt: T + 5 };
      await store.insertRefreshToken(revokedTwin);
      expect(await store.rotateRefreshToken(t.tokenHash, T + 6, next)).toEqual({ rotated: true, inserted: false });
      expect(await store.getRefreshToken(next.tokenHash)).toStrictEqual(revokedTwin);

      const bound = refresh({ dpopJkt: 'k'.repeat(43) });
      await store.insertRefreshToken(bound);
      const boundNext = refresh({ dpopJkt: 'k'.repeat(43) });
      expect(await store.rotateRefreshToken(bound.tokenHash, T + 7, boundNext)).toEqual({ rotated: true, inserted: true });
      expect(await store.getRefreshToken(boundNext.tokenHash)).toStrictEqual(boundNext);
    });

    it('AS-10: two rotations of one token at once: one wins and writes the successor, the other sees it rotated', async () => {
      const t = refresh();
      await store.insertRefreshToken(t);
      const next = refresh({ grantId: t.grantId });
      const [a, b] = await Promise.all([store.rotateRefreshToken(t.tokenHash, T + 10, next), store.rotateRefreshToken(t.tokenHash, T + 11, next)]);
      expect([a, b]).toContainEqual({ rotated: true, inserted: true });
      expect([a, b]).toContainEqual({ rotated: false, inserted: false });
      expect((await store.getRefreshToken(t.tokenHash))?.rotatedAt).toBe(a.rotated ? T + 10 : T + 11);
      expect(await store.getRefreshToken(next.tokenHash)).toStrictEqual(next);
    });

    it('AS-10: rotateRefreshToken under 20 concurrent calls has exactly one winner, whose time is kept', async () => {
      const t = refresh();
      await store.insertRefreshToken(t);
      const next = refresh({ grantId: t.grantId });
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.rotateRefreshToken(t.tokenHash, T + 10 + i, next)));
      expect(results.filter((r) => r.rotated)).toEqual([{ rotated: true, inserted: true }]);
      const winnerAt = T + 10 + results.findIndex((r) => r.rotated);
      expect((await store.getRefreshToken(t.tokenHash))?.rotatedAt).toBe(winnerAt);
      expect(await store.getRefreshToken(next.tokenHash)).toStrictEqual(next);
    });

    it('AS-10: many rotations at once (one commit for several on SQLite, one statement on PostgreSQL) answer as one after the other would', async () => {
      const tokens = Array.from({ length: 12 }, () => refresh());
      const revoked = refresh({ revokedAt: T });
      for (const t of [...tokens, revoked]) await store.insertRefreshToken(t);
      const successors = tokens.map((t) => refresh({ grantId: t.grantId, dpopJkt: 'j'.repeat(43) }));
      // A successor already stored (a replay's write that landed first) is left as it was.
      const stored = { ...successors[3]!, scope: 'write' };
      await store.insertRefreshToken(stored);
      // A successor rotated in the same breath as the token before it (no client can hold it yet): not rotated.
      const chained = refresh();
      const results = await Promise.all([
        ...tokens.map((t, i) => store.rotateRefreshToken(t.tokenHash, T + 20 + i, successors[i]!)),
        store.rotateRefreshToken(tokens[0]!.tokenHash, T + 40, refresh()), // the same token again: loses
        store.rotateRefreshToken(revoked.tokenHash, T + 41, refresh()),
        store.rotateRefreshToken(successors[1]!.tokenHash, T + 42, chained),
      ]);
      expect(results.slice(0, 12)).toEqual(tokens.map((_, i) => ({ rotated: true, inserted: i !== 3 })));
      expect(results.slice(12, 14)).toEqual([
        { rotated: false, inserted: false },
        { rotated: false, inserted: false },
      ]);
      // Either order is one a client could see: after its predecessor's rotation the successor rotates too.
      expect([{ rotated: false, inserted: false }, { rotated: true, inserted: true }]).toContainEqual(results[14]);
      for (const [i, t] of tokens.entries()) expect((await store.getRefreshToken(t.tokenHash))?.rotatedAt).toBe(T + 20 + i);
      for (const [i, n] of successors.entries()) expect(await store.getRefreshToken(n.tokenHash)).toStrictEqual(i === 3 ? stored : i === 1 && results[14]!.rotated ? { ...n, rotatedAt: T + 42 } : n);
      expect((await store.getRefreshToken(revoked.tokenHash))?.rotatedAt).toBeNull();
    });

    it('getRefreshTokenWithGrant reads the token with its grant; a missing grant is undefined, an unknown token undefined', async () => {
      const g = grant({ flowId: id('fl'), lastUsedAt: T + 3 });
      await store.createGrant(g);
      const t = refresh({ grantId: g.id, dpopJkt: 'x'.repeat(43) });
      await store.insertRefreshToken(t);
      expect(await store.getRefreshTokenWithGrant(t.tokenHash)).toStrictEqual({ token: t, grant: g });

      const plain = grant();
      await store.createGrant(plain);
      const u = refresh({ grantId: plain.id });
      await store.insertRefreshToken(u);
      await store.revokeGrant(plain.id, T + 9);
      expect(await store.getRefreshTokenWithGrant(u.tokenHash)).toStrictEqual({ token: { ...u, revokedAt: T + 9 }, grant: { ...plain, revokedAt: T + 9 } });

      const orphan = refresh({ grantId: id('gone') });
      await store.insertRefreshToken(orphan);
      expect(await store.getRefreshTokenWithGrant(orphan.tokenHash)).toStrictEqual({ token: orphan, grant: undefined });
      expect(await store.getRefreshTokenWithGrant(id('missing'))).toBeUndefined();
    });

    it('revokeRefreshToken revokes once and leaves other tokens alone', async () => {
      const t = refresh();
      const sibling = refresh({ grantId: t.grantId });
      await store.insertRefreshToken(t);
      await store.insertRefreshToken(sibling);
      expect(await store.revokeRefreshToken(t.tokenHash, T + 7)).toBe(true);
      expect(await store.revokeRefreshToken(t.tokenHash, T + 8)).toBe(false);
      expect((await store.getRefreshToken(t.tokenHash))?.revokedAt).toBe(T + 7);
      expect((await store.getRefreshToken(sibling.tokenHash))?.revokedAt).toBeNull();
      expect(await store.revokeRefreshToken(id('missing'), T)).toBe(false);
    });
  });

  describe('revoked access tokens', () => {
    it('records a revoked jti once; revoking it again is harmless', async () => {
      const jti = id('jti');
      expect(await store.isAccessTokenRevoked(jti)).toBe(false);
      await store.revokeAccessToken(jti, T + 3600);
      await store.revokeAccessToken(jti, T + 3600);
      expect(await store.isAccessTokenRevoked(jti)).toBe(true);
      expect(await store.isAccessTokenRevoked(id('jti'))).toBe(false);
    });
  });

  describe('signing keys', () => {
    it('lists newest first, round-trips the JWK, and retires once', async () => {
      await withFreshStore(async (s) => {
        const k1 = signingKey({ createdAt: T });
        const k2 = signingKey({ createdAt: T + 100 });
        const k3 = signingKey({ createdAt: T + 50, publicJwk: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b', key_ops: ['verify'] } });
        for (const k of [k1, k2, k3]) await s.insertSigningKey(k);
        expect(await s.listSigningKeys()).toStrictEqual([k2, k3, k1]);

        await s.retireSigningKey(k1.kid, T + 200, T + 4000);
        await s.retireSigningKey(k1.kid, T + 300, T + 9000); // already retired: unchanged
        const listed = await s.listSigningKeys();
        expect(listed.find((k) => k.kid === k1.kid)).toStrictEqual({ ...k1, retiredAt: T + 200, expiresAt: T + 4000 });
        expect(listed.find((k) => k.kid === k2.kid)).toStrictEqual(k2);
        await expect(s.insertSigningKey(k2)).rejects.toThrow();
      });
    });
  });

  describe('data items', () => {
    it('scopes every operation to its owner', async () => {
      const alice = id('alice');
      const bob = id('bob');
      const a1 = await store.createItem(alice, { name: 'first', value: 3.25 }, T);
      const a2 = await store.createItem(alice, { name: 'second', value: -1 }, T + 1);
      const b1 = await store.createItem(bob, { name: 'bobs', value: 7 }, T);
      expect(a1).toStrictEqual({ id: a1.id, owner: alice, name: 'first', value: 3.25, createdAt: T, updatedAt: T });
      expect(typeof a1.id).toBe('number');

      expect(await store.listItems(alice)).toStrictEqual([a1, a2]);
      expect(await store.listItems(bob)).toStrictEqual([b1]);
      expect(await store.getItem(alice, a1.id)).toStrictEqual(a1);
      expect(await store.getItem(bob, a1.id)).toBeUndefined();

      // Bob can neither change nor delete Alice's item.
      expect(await store.updateItem(bob, a1.id, { name: 'stolen' }, T + 5)).toBeUndefined();
      expect(await store.deleteItem(bob, a1.id)).toBe(false);
      expect(await store.getItem(alice, a1.id)).toStrictEqual(a1);

      // A partial update keeps the other field and moves updatedAt only.
      const renamed = await store.updateItem(alice, a1.id, { name: 'renamed' }, T + 6);
      expect(renamed).toStrictEqual({ ...a1, name: 'renamed', updatedAt: T + 6 });
      const revalued = await store.updateItem(alice, a1.id, { value: 0.5 }, T + 7);
      expect(revalued).toStrictEqual({ ...a1, name: 'renamed', value: 0.5, updatedAt: T + 7 });
      expect(await store.updateItem(alice, 2_000_000_000, { value: 1 }, T)).toBeUndefined();

      expect(await store.deleteItem(alice, a1.id)).toBe(true);
      expect(await store.deleteItem(alice, a1.id)).toBe(false);
      expect(await store.listItems(alice)).toStrictEqual([a2]);
      expect(await store.listItems(bob)).toStrictEqual([b1]);
    });

    it('persists 200 concurrent createItem calls with distinct ids', async () => {
      const owner = id('bulk');
      const created = await Promise.all(Array.from({ length: 200 }, (_, i) => store.createItem(owner, { name: `item-${i}`, value: i }, T)));
      expect(new Set(created.map((c) => c.id)).size).toBe(200);
      const listed = await store.listItems(owner);
      expect(listed).toHaveLength(200);
      expect(new Set(listed.map((x) => x.name))).toStrictEqual(new Set(created.map((c) => c.name)));
      // listItems orders by id.
      expect(listed.map((x) => x.id)).toStrictEqual([...listed.map((x) => x.id)].sort((x, y) => x - y));
    });
  });

  describe('web sessions, interactions and consents', () => {
    it('creates, reads and deletes a web session', async () => {
      const session = { idHash: id('sess'), userId: id('user'), createdAt: T, expiresAt: T + 3600 };
      await store.createWebSession(session);
      expect(await store.getWebSession(session.idHash)).toStrictEqual(session);
      await expect(store.createWebSession(session)).rejects.toThrow();
      await store.deleteWebSession(session.idHash);
      expect(await store.getWebSession(session.idHash)).toBeUndefined();
      await store.deleteWebSession(session.idHash); // deleting again is harmless
    });

    it("ends every session of one user and no one else's", async () => {
      const [user, other] = [id('user'), id('other')];
      const [s1, s2, s3] = [id('s1'), id('s2'), id('s3')];
      for (const [idHash, userId] of [[s1, user], [s2, user], [s3, other]] as const) {
        await store.createWebSession({ idHash, userId, createdAt: T, expiresAt: T + 3600 });
      }
      expect(await store.deleteWebSessionsForUser(user)).toBe(2);
      expect(await store.getWebSession(s1)).toBeUndefined();
      expect(await store.getWebSession(s2)).toBeUndefined();
      expect((await store.getWebSession(s3))?.userId).toBe(other);
      expect(await store.deleteWebSessionsForUser(user)).toBe(0);
    });

    it('an interaction is readable until consumed, and consumed once', async () => {
      const interaction = { idHash: id('ix'), request: JSON.stringify({ client_id: 'c', scope: 'read', state: 'é' }), createdAt: T, expiresAt: T + 600 };
      await store.createWebInteraction(interaction);
      expect(await store.getWebInteraction(interaction.idHash)).toStrictEqual(interaction);
      expect(await store.consumeWebInteraction(interaction.idHash)).toStrictEqual(interaction);
      expect(await store.consumeWebInteraction(interaction.idHash)).toBeUndefined();
      expect(await store.getWebInteraction(interaction.idHash)).toBeUndefined();
    });

    it('consumeWebInteraction under 10 concurrent calls hands the interaction to exactly one caller', async () => {
      const interaction = { idHash: id('ix'), request: '{}', createdAt: T, expiresAt: T + 600 };
      await store.createWebInteraction(interaction);
      const got = await Promise.all(Array.from({ length: 10 }, () => store.consumeWebInteraction(interaction.idHash)));
      expect(got.filter((g) => g !== undefined)).toStrictEqual([interaction]);
    });

    it('saves a consent per (subject, client, resource), replaces it, and forgets all of a client', async () => {
      const subject = id('subject');
      const r1 = 'http://127.0.0.1:5001/mcp/v1';
      const r2 = 'https://mcp.example.com/mcp';
      const c1 = { subject, clientId: 'client-a', resource: r1, scope: 'read', createdAt: T, updatedAt: T };
      const c2 = { ...c1, resource: r2, scope: 'read write' };
      const otherClient = { ...c1, clientId: 'client-b' };
      for (const c of [c1, c2, otherClient]) await store.saveConsent(c);
      expect(await store.getConsent(subject, 'client-a', r1)).toStrictEqual(c1);
      expect(await store.getConsent(subject, 'client-a', r2)).toStrictEqual(c2);
      expect(await store.getConsent(id('someone-else'), 'client-a', r1)).toBeUndefined();

      // Saving again replaces scope and updatedAt, keeps createdAt.
      await store.saveConsent({ ...c1, scope: 'read write', createdAt: T + 50, updatedAt: T + 50 });
      expect(await store.getConsent(subject, 'client-a', r1)).toStrictEqual({ ...c1, scope: 'read write', updatedAt: T + 50 });

      await store.deleteConsents(subject, 'client-a');
      expect(await store.getConsent(subject, 'client-a', r1)).toBeUndefined();
      expect(await store.getConsent(subject, 'client-a', r2)).toBeUndefined();
      expect(await store.getConsent(subject, 'client-b', r1)).toStrictEqual(otherClient);
    });
  });

  describe('audit events and flows (docs/observability.md)', () => {
    const event = (over: Partial<Omit<AuditEventRecord, 'id'>> = {}): Omit<AuditEventRecord, 'id'> => ({
      at: T,
      type: 'token_issued',
      outcome: 'failure',
      clientId: 'client-a',
      subject: 'user-a',
      flowId: 'fl_a',
      rule: 'AS-3 code_verifier does not match the code_challenge (RFC 7636 §4.6)',
      error: 'invalid_grant',
      detail: 'grant_type=authorization_code ✓',
      requestId: 'req-1',
      expiresAt: T + 30 * 86_400,
      ...over,
    });
    const flow = (over: Partial<FlowRecord> = {}): FlowRecord => ({
      flowId: id('fl'),
      clientId: id('client'),
      startedAt: T,
      updatedAt: T,
      tokenAt: null,
      mcpAt: null,
      expiresAt: T + 30 * 86_400,
      ...over,
    });

    it('round-trips an event with every field, ids increasing in insertion order', async () => {
      await withFreshStore(async (s) => {
        const a = event();
        const b = event({ outcome: 'success', rule: null, error: null, detail: null, subject: null, requestId: null, flowId: null, at: T + 1 });
        await s.insertAuditEvent(a);
        await s.insertAuditEvent(b);
        const got = await s.listAuditEvents();
        expect(got.map(({ id: _id, ...rest }) => rest)).toStrictEqual([a, b]);
        expect(got[1]!.id).toBeGreaterThan(got[0]!.id);
        expect(typeof got[0]!.id).toBe('number');
      });
    });

    it('filters by time, client and flows, and returns the newest `limit` oldest first', async () => {
      await withFreshStore(async (s) => {
        for (let i = 0; i < 5; i++) await s.insertAuditEvent(event({ at: T + i, clientId: i % 2 ? 'odd' : 'even', flowId: `fl_${i % 3}`, detail: String(i) }));
        const details = (es: AuditEventRecord[]) => es.map((e) => e.detail);
        expect(details(await s.listAuditEvents({ since: T + 3 }))).toStrictEqual(['3', '4']);
        expect(details(await s.listAuditEvents({ clientId: 'odd' }))).toStrictEqual(['1', '3']);
        expect(details(await s.listAuditEvents({ flowIds: ['fl_0', 'fl_2'] }))).toStrictEqual(['0', '2', '3']);
        expect(details(await s.listAuditEvents({ flowIds: [] }))).toStrictEqual([]);
        expect(details(await s.listAuditEvents({ limit: 2 }))).toStrictEqual(['3', '4']);
        expect(details(await s.listAuditEvents({ clientId: 'even', since: T + 1, limit: 1 }))).toStrictEqual(['4']);
      });
    });

    it('flows: latest per client (ties in one second broken by id), touch, token mark set once', async () => {
      const f1 = flow({ flowId: 'fl_000000001aa', clientId: 'c-1' });
      const f2 = flow({ flowId: 'fl_000000002aa', clientId: 'c-1' });
      const other = flow({ clientId: 'c-2', startedAt: T + 5, updatedAt: T + 5 });
      for (const f of [f2, f1, other]) await store.createFlow(f);
      expect(await store.getFlow(f1.flowId)).toStrictEqual(f1);
      expect(await store.getFlow('fl_none')).toBeUndefined();
      expect(await store.latestFlowForClient('c-1')).toStrictEqual(f2);
      expect(await store.latestFlowForClient('c-none')).toBeUndefined();
      await store.touchFlow(f2.flowId, T + 10, T + 99, { tokenAt: T + 10 });
      await store.touchFlow(f2.flowId, T + 20, T + 100, { tokenAt: T + 20 });
      expect(await store.getFlow(f2.flowId)).toStrictEqual({ ...f2, updatedAt: T + 20, expiresAt: T + 100, tokenAt: T + 10 });
      expect(await store.getFlow(f1.flowId)).toStrictEqual(f1);
    });

    it('writeAudit: a batch of 300 events (on SQLite chunks of 256, 32, 8, 4; on PostgreSQL one statement over arrays) stored in order with every field, each flow touched once with its first token time', async () => {
      await withFreshStore(async (s) => {
        const f1 = flow({ clientId: 'c-1' });
        const f2 = flow({ clientId: 'c-2', tokenAt: T - 5 });
        for (const f of [f1, f2]) await s.createFlow(f);
        const batch = Array.from({ length: 300 }, (_, i) => {
          const f = i % 2 ? f2 : f1;
          const e = event({ at: T + i, flowId: f.flowId, detail: `n ${i}`, ...(i % 3 === 0 && { rule: null, error: null, subject: null, requestId: null }) });
          // f1 gets its first token at the 11th event and another later; f2 already has one.
          return { event: e, flow: { flowId: f.flowId, at: T + i, expiresAt: T + i + 99, ...((i === 10 || i === 20 || i === 21) && { tokenAt: T + i }) } };
        });
        await s.writeAudit([...batch, { event: event({ flowId: null, detail: 'no flow' }) }]);
        const got = await s.listAuditEvents({ limit: 500 });
        expect(got.map(({ id: _id, ...rest }) => rest)).toStrictEqual([...batch.map((w) => w.event), event({ flowId: null, detail: 'no flow' })]);
        expect(await s.getFlow(f1.flowId)).toStrictEqual({ ...f1, updatedAt: T + 298, expiresAt: T + 298 + 99, tokenAt: T + 10 });
        expect(await s.getFlow(f2.flowId)).toStrictEqual({ ...f2, updatedAt: T + 299, expiresAt: T + 299 + 99 });
      });
    });

    it('writeAudit stores text fields exactly: quotes, backslashes, braces, commas, the word NULL, an empty string, non-ASCII', async () => {
      await withFreshStore(async (s) => {
        const awkward = ['say "hi"', 'back\\slash \\"', '{a,b}', 'NULL', 'null', '', ' spaced ', 'caf\u00e9 \u2014 \u{1F512}', "it's", 'line\nbreak\ttab'];
        const batch = awkward.map((text, i) => ({ event: event({ at: T + i, detail: text, subject: text, rule: i % 2 ? null : text, requestId: text }) }));
        await s.writeAudit(batch);
        const got = await s.listAuditEvents({ limit: 50 });
        expect(got.map(({ id: _id, ...rest }) => rest)).toStrictEqual(batch.map((w) => w.event));
      });
    });

    it('markFlowMcpCall under 10 concurrent calls: exactly one first MCP call', async () => {
      const f = flow();
      await store.createFlow(f);
      const wins = await Promise.all(Array.from({ length: 10 }, () => store.markFlowMcpCall(f.flowId, T + 7)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await store.getFlow(f.flowId)).toMatchObject({ mcpAt: T + 7, updatedAt: T + 7 });
      expect(await store.markFlowMcpCall('fl_missing', T)).toBe(false);
    });

    it('listFlows: most recent activity first, limited, since a time', async () => {
      await withFreshStore(async (s) => {
        const fs = [0, 1, 2].map((i) => flow({ flowId: `fl_00${i}`, updatedAt: T + i * 10 }));
        for (const f of fs) await s.createFlow(f);
        expect((await s.listFlows()).map((f) => f.flowId)).toStrictEqual(['fl_002', 'fl_001', 'fl_000']);
        expect((await s.listFlows({ limit: 1 })).map((f) => f.flowId)).toStrictEqual(['fl_002']);
        expect((await s.listFlows({ since: T + 10 })).map((f) => f.flowId)).toStrictEqual(['fl_002', 'fl_001']);
      });
    });

    it('purgeExpired deletes audit events and flows past their retention, nothing else of theirs', async () => {
      await withFreshStore(async (s) => {
        const now = T + 1000;
        await s.insertAuditEvent(event({ expiresAt: now - 1, detail: 'old' }));
        await s.insertAuditEvent(event({ expiresAt: now, detail: 'edge' }));
        const oldFlow = flow({ expiresAt: now - 1 });
        const liveFlow = flow({ expiresAt: now + 1 });
        for (const f of [oldFlow, liveFlow]) await s.createFlow(f);
        expect(await s.purgeExpired(now)).toBe(2);
        expect((await s.listAuditEvents()).map((e) => e.detail)).toStrictEqual(['edge']);
        expect(await s.getFlow(oldFlow.flowId)).toBeUndefined();
        expect(await s.getFlow(liveFlow.flowId)).toStrictEqual(liveFlow);
      });
    });
  });

  it('purgeExpired deletes only rows whose expiry has passed', async () => {
    await withFreshStore(async (s) => {
      const now = T + 1000;
      const oldCode = code({ expiresAt: now - 1 });
      const edgeCode = code({ expiresAt: now }); // not yet past: kept
      const liveCode = code({ expiresAt: now + 60 });
      for (const c of [oldCode, edgeCode, liveCode]) await s.insertCode(c);
      const oldRt = refresh({ expiresAt: now - 10 });
      const liveRt = refresh({ expiresAt: now + 10 });
      for (const t of [oldRt, liveRt]) await s.insertRefreshToken(t);
      await s.revokeAccessToken('old-jti', now - 5);
      await s.revokeAccessToken('live-jti', now + 5);
      const expiredKey = signingKey({ retiredAt: now - 500, expiresAt: now - 1 });
      const retiredKey = signingKey({ retiredAt: now - 100, expiresAt: now + 3000 });
      const activeKey = signingKey({ expiresAt: null });
      for (const k of [expiredKey, retiredKey, activeKey]) await s.insertSigningKey(k);
      const u = user();
      await s.createUser(u);
      const g = grant({ revokedAt: now - 999 });
      await s.createGrant(g);
      const oldSession = { idHash: 'old-session', userId: u.id, createdAt: T, expiresAt: now - 1 };
      const liveSession = { idHash: 'live-session', userId: u.id, createdAt: T, expiresAt: now + 1 };
      for (const x of [oldSession, liveSession]) await s.createWebSession(x);
      const oldIx = { idHash: 'old-ix', request: '{}', createdAt: T, expiresAt: now - 1 };
      const liveIx = { idHash: 'live-ix', request: '{}', createdAt: T, expiresAt: now + 1 };
      for (const x of [oldIx, liveIx]) await s.createWebInteraction(x);
      const consent = { subject: u.id, clientId: 'c', resource: 'r', scope: 'read', createdAt: T, updatedAt: T };
      await s.saveConsent(consent);

      expect(await s.purgeExpired(now)).toBe(6);

      expect(await s.consumeCode(oldCode.codeHash, now)).toStrictEqual({ status: 'not_found' });
      expect((await s.consumeCode(edgeCode.codeHash, now)).status).toBe('ok');
      expect((await s.consumeCode(liveCode.codeHash, now)).status).toBe('ok');
      expect(await s.getRefreshToken(oldRt.tokenHash)).toBeUndefined();
      expect(await s.getRefreshToken(liveRt.tokenHash)).toStrictEqual(liveRt);
      expect(await s.isAccessTokenRevoked('old-jti')).toBe(false);
      expect(await s.isAccessTokenRevoked('live-jti')).toBe(true);
      expect((await s.listSigningKeys()).map((k) => k.kid).sort()).toStrictEqual([retiredKey.kid, activeKey.kid].sort());
      expect(await s.getUser(u.id)).toStrictEqual(u);
      expect(await s.getGrant(g.id)).toStrictEqual(g);
      expect(await s.getWebSession(oldSession.idHash)).toBeUndefined();
      expect(await s.getWebSession(liveSession.idHash)).toStrictEqual(liveSession);
      expect(await s.getWebInteraction(oldIx.idHash)).toBeUndefined();
      expect(await s.getWebInteraction(liveIx.idHash)).toStrictEqual(liveIx);
      expect(await s.getConsent(u.id, 'c', 'r')).toStrictEqual(consent);

      expect(await s.purgeExpired(now)).toBe(0);
    });
  });

  it('purgeUnusedPublicClients deletes only old public registrations that never completed a flow (interop note 10)', async () => {
    await withFreshStore(async (s) => {
      const cutoff = T + 1000;
      const stale = client({ tokenEndpointAuthMethod: 'none', clientSecretHash: null, createdAt: cutoff - 1, lastUsedAt: null });
      const used = client({ tokenEndpointAuthMethod: 'none', clientSecretHash: null, createdAt: cutoff - 1, lastUsedAt: cutoff - 1 });
      const fresh = client({ tokenEndpointAuthMethod: 'none', clientSecretHash: null, createdAt: cutoff, lastUsedAt: null });
      const confidential = client({ createdAt: cutoff - 1, lastUsedAt: null });
      for (const c of [stale, used, fresh, confidential]) await s.createClient(c);
      expect(await s.purgeUnusedPublicClients(cutoff)).toBe(1);
      expect(await s.getClient(stale.clientId)).toBeUndefined();
      for (const c of [used, fresh, confidential]) expect(await s.getClient(c.clientId)).toStrictEqual(c);
    });
  });

  it('returns every timestamp as a number, past 2038 included', async () => {
    const far = 9_000_000_000; // beyond int4 and 32-bit time_t
    const c = client({ createdAt: far, lastUsedAt: far + 1 });
    await store.createClient(c);
    const rt = refresh({ createdAt: far, expiresAt: far + 2, rotatedAt: far + 3, revokedAt: far + 4 });
    await store.insertRefreshToken(rt);
    const k = signingKey({ createdAt: far, retiredAt: far + 5, expiresAt: far + 6 });
    await store.insertSigningKey(k);
    const item = await store.createItem(id('owner'), { name: 'n', value: 1 }, far);
    const session = { idHash: id('sess'), userId: 'u', createdAt: far, expiresAt: far + 7 };
    await store.createWebSession(session);

    const got = [
      await store.getClient(c.clientId),
      await store.getRefreshToken(rt.tokenHash),
      (await store.listSigningKeys()).find((x) => x.kid === k.kid),
      await store.getItem(item.owner, item.id),
      await store.getWebSession(session.idHash),
    ];
    expect(got).toStrictEqual([c, rt, k, item, session]);
    for (const rec of got) {
      for (const [field, v] of Object.entries(rec!)) {
        if (field.endsWith('At')) expect(typeof v, field).toBe('number');
      }
    }
  });

  describe('migrations', () => {
    // Reopening needs a database that outlives its connection: a second :memory: connection is a different
    // database, so these three run on the SQLite file and PostgreSQL only (not defined, rather than skipped, for
    // :memory:); the test after them covers :memory:.
    const itPersistent = target.persistent ? it : (..._: Parameters<typeof it>) => undefined;
    itPersistent('running them again on a database opened by openStore changes nothing', async () => {
      await withFreshStore(async (_s, url) => {
        const db = openKysely(url);
        try {
          expect(await appliedMigrations(db)).toStrictEqual(await shippedMigrations(url));
          await migrate(db, dialectOf(url));
          await migrate(db, dialectOf(url));
          expect(await appliedMigrations(db)).toStrictEqual(await shippedMigrations(url));
        } finally {
          await db.destroy();
        }
      });
    });

    it('migrate() twice on one connection applies the schema once', async () => {
      const { url, drop } = await target.create();
      const db = openKysely(url);
      try {
        expect(await shippedMigrations(url)).toContain('001-initial');
        await migrate(db, dialectOf(url));
        await migrate(db, dialectOf(url));
        expect(await appliedMigrations(db)).toStrictEqual(await shippedMigrations(url));
        // The schema is there: a store over this connection works.
        await db.insertInto('users').values({ id: 'u', username: 'u', password_hash: null, is_admin: 0, created_at: T }).execute();
      } finally {
        await db.destroy();
        await drop();
      }
    });

    itPersistent('reopening the same database keeps its data', async () => {
      const { url, drop } = await target.create();
      try {
        const first = await openStore(url);
        const c = client();
        await first.createClient(c);
        await first.close();
        const second = await openStore(url);
        try {
          expect(await second.getClient(c.clientId)).toStrictEqual(c);
        } finally {
          await second.close();
        }
      } finally {
        await drop();
      }
    });

    // PostgreSQL: Kysely's advisory lock. SQLite file: BEGIN IMMEDIATE around the migrator (open-store.ts).
    itPersistent('three concurrent openStore() on a fresh database all succeed; schema applied once', async () => {
      const { url, drop } = await target.create();
      try {
        const settled = await Promise.allSettled([openStore(url), openStore(url), openStore(url)]);
        const stores = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        try {
          expect(settled.filter((r) => r.status === 'rejected')).toStrictEqual([]);
          const c = client();
          await stores[0]!.createClient(c);
          expect(await stores[1]!.getClient(c.clientId)).toStrictEqual(c);
          expect(await stores[2]!.getClient(c.clientId)).toStrictEqual(c);
          const db = openKysely(url);
          try {
            expect(await appliedMigrations(db)).toStrictEqual(await shippedMigrations(url));
          } finally {
            await db.destroy();
          }
        } finally {
          await Promise.all(stores.map((s) => s.close()));
        }
      } finally {
        await drop();
      }
    });
  });
});
