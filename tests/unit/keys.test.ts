import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { decrypt, deriveKey, encrypt } from '../../src/keys/encryption.js';
import { signCompactEs256 } from '../../src/keys/jws.js';
import { KeyRing, SIGNING_ALG } from '../../src/keys/key-ring.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

const SECRET = 'test-secret-key-0123456789-abcdefghijklmnop';
const TTL = 3600;
/** KeyRing keeps a retired key published for the access-token lifetime plus 300 s of margin. */
const RETENTION = TTL + 300;

async function sign(ring: KeyRing, claims: Record<string, unknown> = {}): Promise<string> {
  const key = ring.signingKey();
  return new SignJWT({ scope: 'read', ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuer('http://127.0.0.1:5000')
    .setAudience('http://127.0.0.1:5001/mcp/v1')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key.privateKey);
}

async function verify(ring: KeyRing, jwt: string) {
  return jwtVerify(jwt, createLocalJWKSet(ring.jwks()), {
    issuer: 'http://127.0.0.1:5000',
    audience: 'http://127.0.0.1:5001/mcp/v1',
    algorithms: [SIGNING_ALG],
    typ: 'at+jwt',
  });
}

const kids = (ring: KeyRing) => ring.jwks().keys.map((k) => k.kid);

describe('KeyRing', () => {
  let store: Store;
  let clock: ReturnType<typeof fixedClock>;
  const open = (secretKey = SECRET) => KeyRing.open({ store, secretKey, clock, accessTokenTtl: TTL });

  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
    clock = fixedClock();
  });
  afterEach(async () => {
    await store.close();
  });

  it('generates one ES256 key at first start and reuses it on the next open', async () => {
    const first = await open();
    const key = first.signingKey();
    expect(key.alg).toBe('ES256');
    const records = await store.listSigningKeys();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ kid: key.kid, alg: 'ES256', createdAt: clock(), retiredAt: null, expiresAt: null });

    clock.advance(86_400);
    const second = await open();
    expect(second.signingKey().kid).toBe(key.kid);
    expect(await store.listSigningKeys()).toHaveLength(1);
  });

  it('publishes only the public half, with kid = RFC 7638 thumbprint, use sig and alg', async () => {
    const ring = await open();
    const { keys } = ring.jwks();
    expect(keys).toHaveLength(1);
    const jwk = keys[0]!;
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig', alg: 'ES256', kid: ring.signingKey().kid });
    expect(jwk.d).toBeUndefined();
    expect(await calculateJwkThumbprint(jwk)).toBe(jwk.kid);
  });

  it('stores the private key encrypted under a key derived from SECRET_KEY', async () => {
    await open();
    const [record] = await store.listSigningKeys();
    const sealed = record!.privateJwkEncrypted;
    expect(sealed.startsWith('v1.')).toBe(true);

    const privateJwk = JSON.parse(decrypt(deriveKey(SECRET, 'signing-keys'), sealed)) as JWK;
    expect(privateJwk.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(privateJwk.x).toBe(record!.publicJwk.x);
    // Neither the private scalar nor any JWK text appears in the stored row.
    expect(sealed).not.toContain(privateJwk.d);
    expect(sealed).not.toContain('"d"');
    expect(JSON.stringify(record!.publicJwk)).not.toContain(privateJwk.d);

    expect(() => decrypt(deriveKey('another-secret-key-0123456789-abcdefgh', 'signing-keys'), sealed)).toThrow();
    expect(() => decrypt(deriveKey(SECRET, 'another-purpose'), sealed)).toThrow();
  });

  it('refuses to open with a different SECRET_KEY, naming SECRET_KEY', async () => {
    await open();
    await expect(open('a-different-secret-key-0123456789-abcdef')).rejects.toThrow(/SECRET_KEY: cannot decrypt signing key/);
    // The key is still there and opens with the right secret.
    expect(await store.listSigningKeys()).toHaveLength(1);
    await expect(open()).resolves.toBeInstanceOf(KeyRing);
  });

  it('refuses at open a stored ES256 key that is not a private P-256 key', async () => {
    const encryptionKey = deriveKey(SECRET, 'signing-keys');
    const other = await generateKeyPair('ES384', { extractable: true });
    const publicJwk = await exportJWK(other.publicKey);
    await store.insertFirstSigningKey({
      kid: 'p384',
      alg: 'ES256',
      publicJwk: publicJwk as Record<string, unknown>,
      privateJwkEncrypted: encrypt(encryptionKey, JSON.stringify(await exportJWK(other.privateKey))),
      createdAt: clock(),
      retiredAt: null,
      expiresAt: null,
    });
    await expect(open()).rejects.toThrow('signing key p384: not a P-256 key, which ES256 needs');
  });

  it('signs with a node:crypto KeyObject that jose accepts too', async () => {
    const ring = await open();
    expect(ring.signingKey().privateKey).toMatchObject({ type: 'private', asymmetricKeyType: 'ec', asymmetricKeyDetails: { namedCurve: 'prime256v1' } });
    await expect(verify(ring, await sign(ring))).resolves.toMatchObject({ protectedHeader: { kid: ring.signingKey().kid } });
  });

  it('jwsHeader(typ) is the encoded { alg, typ, kid } of the key, the same string on every call, per typ', async () => {
    const ring = await open();
    const key = ring.signingKey();
    const header = key.jwsHeader('at+jwt');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toStrictEqual({ alg: 'ES256', typ: 'at+jwt', kid: key.kid });
    expect(key.jwsHeader('at+jwt')).toBe(header);
    expect(JSON.parse(Buffer.from(key.jwsHeader('other+jwt'), 'base64url').toString())).toStrictEqual({ alg: 'ES256', typ: 'other+jwt', kid: key.kid });
    // A token signed under the encoded header verifies as one signed from the header object.
    const jwt = signCompactEs256(header, { iss: 'http://127.0.0.1:5000', aud: 'http://127.0.0.1:5001/mcp/v1', scope: 'read', iat: 1, exp: 4_102_444_800 }, key.privateKey);
    expect(jwt.split('.')[0]).toBe(header);
    await expect(verify(ring, jwt)).resolves.toMatchObject({ protectedHeader: { alg: 'ES256', typ: 'at+jwt', kid: key.kid } });
  });

  it('rotate() adds a new signing key; the old one stays published until its expiry, then disappears', async () => {
    const ring = await open();
    const oldKid = ring.signingKey().kid;
    clock.advance(100);
    const rotatedAt = clock();

    const newKid = await ring.rotate();
    expect(newKid).not.toBe(oldKid);
    expect(ring.signingKey().kid).toBe(newKid);
    expect(kids(ring).sort()).toStrictEqual([oldKid, newKid].sort());
    const old = (await store.listSigningKeys()).find((k) => k.kid === oldKid);
    expect(old).toMatchObject({ retiredAt: rotatedAt, expiresAt: rotatedAt + RETENTION });

    clock.set(rotatedAt + RETENTION - 1);
    await ring.reload();
    expect(kids(ring)).toContain(oldKid);

    clock.set(rotatedAt + RETENTION + 1);
    await ring.reload();
    expect(kids(ring)).toStrictEqual([newKid]);
    expect(ring.signingKey().kid).toBe(newKid);

    // purgeExpired then removes the row; a fresh KeyRing publishes only the new key.
    expect(await store.purgeExpired(clock())).toBe(1);
    expect((await store.listSigningKeys()).map((k) => k.kid)).toStrictEqual([newKid]);
    expect(kids(await open())).toStrictEqual([newKid]);
  });

  it('a token signed with the old key still verifies after rotation, until the old key expires', async () => {
    const ring = await open();
    const before = await sign(ring, { sub: 'alice' });
    const oldKid = ring.signingKey().kid;
    await ring.rotate();
    const after = await sign(ring, { sub: 'bob' });
    expect(decodeProtectedHeader(before).kid).toBe(oldKid);
    expect(decodeProtectedHeader(after).kid).toBe(ring.signingKey().kid);

    expect((await verify(ring, before)).payload.sub).toBe('alice');
    expect((await verify(ring, after)).payload.sub).toBe('bob');

    clock.advance(RETENTION + 1);
    await ring.reload();
    await expect(verify(ring, before)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('retires every earlier key: only the newest signs after several rotations', async () => {
    const ring = await open();
    const first = ring.signingKey().kid;
    clock.advance(10);
    const second = await ring.rotate();
    clock.advance(10);
    const third = await ring.rotate();
    const records = await store.listSigningKeys();
    expect(records.map((k) => k.kid)).toStrictEqual([third, second, first]);
    expect(records.filter((k) => k.retiredAt === null).map((k) => k.kid)).toStrictEqual([third]);
    // A retired key keeps its first retirement time.
    expect(records.find((k) => k.kid === first)?.retiredAt).toBe(clock() - 10);
    expect(kids(ring)).toHaveLength(3);
  });

  it('a second instance on the same store sees a rotation after reload()', async () => {
    const a = await open();
    const b = await open();
    expect(b.signingKey().kid).toBe(a.signingKey().kid);

    const newKid = await a.rotate();
    expect(b.signingKey().kid).not.toBe(newKid); // not yet reloaded
    const signedByA = await sign(a);
    await expect(verify(b, signedByA)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });

    await b.reload();
    expect(b.signingKey().kid).toBe(newKid);
    expect(kids(b).sort()).toStrictEqual(kids(a).sort());
    await expect(verify(b, signedByA)).resolves.toBeTruthy();
    // And B's tokens verify at A.
    await expect(verify(a, await sign(b))).resolves.toBeTruthy();
  });
});

describe('encryption (AES-256-GCM under an HKDF-derived key)', () => {
  const key = deriveKey(SECRET, 'signing-keys');

  it('derives a stable 32-byte key per secret and purpose', () => {
    expect(key).toHaveLength(32);
    expect(deriveKey(SECRET, 'signing-keys').equals(key)).toBe(true);
    expect(deriveKey(SECRET, 'sessions').equals(key)).toBe(false);
    expect(deriveKey(`${SECRET}x`, 'signing-keys').equals(key)).toBe(false);
  });

  it('round-trips text, with a fresh IV every time', () => {
    const text = '{"kty":"EC","d":"secret-scalar","note":"ünïcødé ✓"}';
    const a = encrypt(key, text);
    const b = encrypt(key, text);
    expect(a).not.toBe(b);
    expect(a.split('.')).toHaveLength(4);
    expect(a).not.toContain('secret-scalar');
    expect(decrypt(key, a)).toBe(text);
    expect(decrypt(key, b)).toBe(text);
    expect(decrypt(key, encrypt(key, ''))).toBe('');
  });

  it('detects tampering with the ciphertext, the tag or the IV', () => {
    const sealed = encrypt(key, 'attack at dawn');
    const [v, iv, tag, data] = sealed.split('.') as [string, string, string, string];
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0]! ^= 0x01;
      return bytes.toString('base64url');
    };
    expect(() => decrypt(key, [v, iv, tag, flip(data)].join('.'))).toThrow();
    expect(() => decrypt(key, [v, iv, flip(tag), data].join('.'))).toThrow();
    expect(() => decrypt(key, [v, flip(iv), tag, data].join('.'))).toThrow();
    // A truncated tag is refused: GCM would otherwise check only its first bytes.
    for (const n of [4, 8, 12, 15]) {
      const short = Buffer.from(tag, 'base64url').subarray(0, n).toString('base64url');
      expect(() => decrypt(key, [v, iv, short, data].join('.')), `${n}-byte tag`).toThrow();
    }
    expect(() => decrypt(deriveKey('wrong-secret', 'signing-keys'), sealed)).toThrow();
    expect(decrypt(key, sealed)).toBe('attack at dawn');
  });

  it('refuses values that are not in its format', () => {
    expect(() => decrypt(key, 'plain text')).toThrow('not an encrypted value');
    expect(() => decrypt(key, 'v2.a.b.c')).toThrow('not an encrypted value');
    expect(() => decrypt(key, 'v1.a.b')).toThrow('not an encrypted value');
  });
});
