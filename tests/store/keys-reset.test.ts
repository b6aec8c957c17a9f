import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { fixedClock } from '../../src/clock.js';
import { KeyRing } from '../../src/keys/key-ring.js';
import { openStore } from '../../src/store/open-store.js';
import type { ClientRecord, Store } from '../../src/store/store.js';
import { describeEachDatabase, openTestStore, POSTGRES_ADMIN_URL, RUN_POSTGRES } from '../helpers/databases.js';

/**
 * `oauth-mcp keys reset` (KeyRing.reset over store.resetSigningKeys): when SECRET_KEY was lost or changed, every key is
 * replaced by one under the new secret and every grant and refresh token is revoked, in one transaction.
 */

const OLD = 'old-secret-key-0123456789-abcdefghijklmnop';
const NEW = 'new-secret-key-0123456789-abcdefghijklmnop';

const client: ClientRecord = {
  clientId: 'reset-client',
  clientSecretHash: null,
  clientName: 'Reset',
  redirectUris: ['http://127.0.0.1/cb'],
  grantTypes: ['authorization_code', 'refresh_token'],
  responseTypes: ['code'],
  tokenEndpointAuthMethod: 'none',
  scope: 'read',
  applicationType: 'native',
  metadata: {},
  createdAt: 1_000,
  lastUsedAt: null,
};

describeEachDatabase('keys reset', (variant) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await openTestStore(variant));
  });
  afterAll(() => close());

  it('replaces every key, revokes every grant and refresh token, and the new SECRET_KEY opens the ring', async () => {
    const clock = fixedClock(2_000);
    const ring = await KeyRing.open({ store, secretKey: OLD, clock, accessTokenTtl: 3600 });
    await ring.rotate(); // a retired key too: reset removes it as well
    await store.createClient(client);
    for (const id of ['g1', 'g2']) {
      await store.createGrant({ id, clientId: client.clientId, subject: 'u', scope: 'read', resource: 'http://127.0.0.1:5001', createdAt: 2_000, lastUsedAt: null, revokedAt: null });
      await store.insertRefreshToken({ tokenHash: `h-${id}`, grantId: id, clientId: client.clientId, subject: 'u', scope: 'read', resource: 'http://127.0.0.1:5001', expiresAt: 99_999, rotatedAt: null, revokedAt: null, createdAt: 2_000 });
    }
    await expect(KeyRing.open({ store, secretKey: NEW, clock, accessTokenTtl: 3600 })).rejects.toThrow(/mcp-auth-server keys reset --yes/);

    const { kid, grantsRevoked } = await KeyRing.reset({ store, secretKey: NEW, clock });
    expect(grantsRevoked).toBe(2);
    expect((await store.listSigningKeys()).map((k) => [k.kid, k.retiredAt])).toStrictEqual([[kid, null]]);
    for (const id of ['g1', 'g2']) {
      expect((await store.getGrant(id))?.revokedAt).toBe(2_000);
      expect((await store.getRefreshToken(`h-${id}`))?.revokedAt).toBe(2_000);
    }
    const reopened = await KeyRing.open({ store, secretKey: NEW, clock, accessTokenTtl: 3600 });
    expect(reopened.signingKey().kid).toBe(kid);
    await expect(KeyRing.open({ store, secretKey: OLD, clock, accessTokenTtl: 3600 })).rejects.toThrow(/cannot decrypt signing key/);
  });
});

describe.skipIf(!RUN_POSTGRES)('a PostgreSQL database that does not exist yet (skipped only when no local PostgreSQL answers; never under CI=true)', () => {
  const admin = () => new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  const name = `oauth_mcp_created_${randomBytes(5).toString('hex')}`;
  afterAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`DROP ROLE IF EXISTS ${name}_nocreate`);
    await c.end();
  });

  it('is created at open when the role may, then migrated', async () => {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    const store = await openStore(url.toString());
    try {
      await store.ping();
      expect(store.dialect).toBe('postgres');
    } finally {
      await store.close();
    }
  });

  it('names createdb when the role may not create it', async () => {
    const c = admin();
    await c.connect();
    await c.query(`CREATE ROLE ${name}_nocreate LOGIN NOCREATEDB`);
    await c.end();
    const url = new URL(POSTGRES_ADMIN_URL);
    url.username = `${name}_nocreate`;
    url.pathname = `/${name}_missing`;
    await expect(openStore(url.toString())).rejects.toThrow(
      new RegExp(`^database "${name}_missing" does not exist and could not be created \\(permission denied to create database\\); create it with \`createdb ${name}_missing\``),
    );
  });
});
