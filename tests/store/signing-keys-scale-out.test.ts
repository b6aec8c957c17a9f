import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { KeyRing } from '../../src/keys/key-ring.js';
import { openStore } from '../../src/store/open-store.js';
import type { SigningKeyRecord, Store } from '../../src/store/store.js';
import { databaseVariants, describeEachDatabase } from '../helpers/databases.js';

/**
 * docs/deploy.md: several authorization-server instances start together on one empty database. They must agree on one
 * first signing key (insertFirstSigningKey: an advisory lock on PostgreSQL, one conditional statement on SQLite),
 * so every instance publishes the same JWKS.
 */

const SECRET = 'test-secret-key-0123456789-abcdefghijklmnop';
const INSTANCES = 6;

const record = (kid: string, createdAt: number): SigningKeyRecord => ({
  kid,
  alg: 'ES256',
  publicJwk: { kty: 'EC', kid },
  privateJwkEncrypted: `v1.${kid}`,
  createdAt,
  retiredAt: null,
  expiresAt: null,
});

// Several stores on one database: not SQLite :memory:, where each connection has a database of its own.
const shareable = databaseVariants().filter((v) => v.persistent);

describeEachDatabase(
  'first signing key with several instances',
  (target) => {
    let db: { url: string; drop: () => Promise<void> };
    let stores: Store[] = [];
    beforeAll(async () => {
      db = await target.create();
      // One store (one pool / connection) per simulated instance, migrated one after the other.
      for (let i = 0; i < INSTANCES; i++) stores.push(await openStore(db.url));
    });
    afterAll(async () => {
      await Promise.all(stores.map((s) => s.close()));
      stores = [];
      await db?.drop();
    });

    it('instances opening their key rings at once on an empty store create exactly one key and publish the same JWKS', async () => {
      const clock = fixedClock();
      const rings = await Promise.all(stores.map((store) => KeyRing.open({ store, secretKey: SECRET, clock, accessTokenTtl: 3600 })));
      const records = await stores[0]!.listSigningKeys();
      expect(records).toHaveLength(1);
      const kids = new Set(rings.map((r) => r.signingKey().kid));
      expect([...kids]).toStrictEqual([records[0]!.kid]);
      const jwks = rings.map((r) => JSON.stringify(r.jwks()));
      expect(new Set(jwks).size).toBe(1);
    });

    it('insertFirstSigningKey inserts only while no unretired key exists; concurrent calls insert one', async () => {
      const store = stores[0]!;
      // The first test left one active key: nothing more is inserted.
      expect(await store.insertFirstSigningKey(record('late', 1))).toBe(false);
      const [active] = await store.listSigningKeys();
      await store.retireSigningKey(active!.kid, 2, 10_000);
      const results = await Promise.all(stores.map((s, i) => s.insertFirstSigningKey(record(`racer-${i}`, 3))));
      expect(results.filter(Boolean)).toHaveLength(1);
      const unretired = (await store.listSigningKeys()).filter((k) => k.retiredAt === null);
      expect(unretired).toHaveLength(1);
      expect(unretired[0]!.kid).toBe(`racer-${results.indexOf(true)}`);
    });
  },
  shareable,
);
