import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { EmbeddedJWK, errors, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { DpopKeyCache } from '../../src/oauth/dpop-keys.js';
import { verifyDpopProof } from '../../src/oauth/dpop-proof.js';
import { MemoryReplayCache } from '../../src/oauth/replay-cache.js';

// The hand-written JOSE layer of the proof check (oauth/dpop-jwt.ts, oauth/dpop-keys.ts) refuses what jose's
// jwtVerify with EmbeddedJWK refused, with the same description: every proof below is checked by both.

const HTU = 'https://as.example/oauth/token';
const clock = fixedClock();
const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const json = (value: unknown) => b64(JSON.stringify(value));

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecJwk = ec.publicKey.export({ format: 'jwk' });
const ed = generateKeyPairSync('ed25519');
const edJwk = ed.publicKey.export({ format: 'jwk' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ed448 = generateKeyPairSync('ed448');

const claims = (over: Record<string, unknown> = {}) => ({ htm: 'POST', htu: HTU, jti: randomUUID(), iat: clock(), ...over });

/** Signs the two segments exactly as given: ES256 as R || S (RFC 7518 §3.4), EdDSA over the input. */
function signed(header: string, payload: string, key: KeyObject = ec.privateKey): string {
  const input = Buffer.from(`${header}.${payload}`);
  const signature = key.asymmetricKeyType === 'ec' ? sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' }) : sign(null, input, key);
  return `${header}.${payload}.${b64(signature)}`;
}
const es256 = (header: Record<string, unknown> = {}, payload: unknown = claims(), key?: KeyObject) =>
  signed(json({ alg: 'ES256', typ: 'dpop+jwt', jwk: ecJwk, ...header }), json(payload), key);

/** What the check answered before: jose's jwtVerify, its errors mapped as dpop-proof.ts mapped them. */
async function joseAnswer(proof: string): Promise<string> {
  try {
    await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256', 'EdDSA', 'Ed25519'], currentDate: new Date(clock() * 1000) });
    return 'accepted';
  } catch (err) {
    if (err instanceof errors.JOSEAlgNotAllowed) return 'DPoP proof algorithm not allowed';
    if (err instanceof errors.JWSSignatureVerificationFailed) return 'DPoP proof signature does not verify';
    if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'typ') return 'the DPoP proof must have typ dpop+jwt';
    if (err instanceof errors.JWTExpired) return 'the DPoP proof has expired';
    return 'malformed DPoP proof';
  }
}

async function answers(proof: string): Promise<{ uncached: string; cached: string }> {
  const answer = (keys?: DpopKeyCache) =>
    verifyDpopProof(proof, { htm: 'POST', htu: HTU, now: clock(), replay: new MemoryReplayCache(clock), ...(keys && { keys }) }).then(
      () => 'accepted',
      (err: { description?: string }) => err.description ?? String(err),
    );
  return { uncached: await answer(), cached: await answer(new DpopKeyCache(clock)) };
}

/** Refused (or accepted) with `expected`, with and without a key cache, as jose answered. */
async function expectAnswer(proof: string, expected: string) {
  expect(await joseAnswer(proof)).toBe(expected);
  expect(await answers(proof)).toEqual({ uncached: expected, cached: expected });
}

const MALFORMED = 'malformed DPoP proof';
const SIGNATURE = 'DPoP proof signature does not verify';

describe('the hand-written DPoP proof parse refuses what jose refused, with the same description', () => {
  it('accepts ES256, EdDSA and Ed25519 proofs, and typ written as any media type spelling of dpop+jwt', async () => {
    await expectAnswer(es256(), 'accepted');
    for (const alg of ['EdDSA', 'Ed25519']) await expectAnswer(signed(json({ alg, typ: 'dpop+jwt', jwk: edJwk }), json(claims()), ed.privateKey), 'accepted');
    await expectAnswer(es256({ typ: 'DPoP+JWT' }), 'accepted');
    await expectAnswer(es256({ typ: 'application/dpop+jwt' }), 'accepted');
    await expectAnswer(es256({ jwk: { ...ecJwk, use: 'sig', alg: 'ES256', key_ops: ['verify'], ext: true, kid: 'k' } }), 'accepted');
    await expectAnswer(es256({ crit: ['b64'], b64: true }), 'accepted');
  });

  it('refuses a wrong segment count, empty segments and extra dots as not one JWT', async () => {
    const good = es256();
    const [h, p, s] = good.split('.');
    for (const proof of [`${h}.${p}`, `${good}.${s}`, `${h}..${s}`, `${h}.${p}..${s}`, `.${p}.${s}`, `${good}.`, `${h}.${p}.`, `${good} `, `${good},${good}`]) {
      expect((await answers(proof)).uncached).toBe('the DPoP header must hold exactly one JWT');
    }
    expect((await answers(`${h}.${p}.${s}=`)).cached).toBe('the DPoP header must hold exactly one JWT');
  });

  it('refuses bad base64url: a segment of 4n+1 characters in the header, the payload or the signature', async () => {
    // base64url without padding never has 4n+1 characters: they cannot encode whole bytes.
    const to4n1 = (segment: string) => segment + 'A'.repeat((5 - (segment.length % 4)) % 4);
    const [h, p, s] = es256().split('.');
    await expectAnswer(`${to4n1(h!)}.${p}.${s}`, MALFORMED);
    await expectAnswer(`${h}.${p}.${to4n1(s!)}`, MALFORMED);
    // A payload of 4n+1 characters with a good signature over it.
    await expectAnswer(signed(h!, to4n1(p!)), MALFORMED);
  });

  it('refuses a header or payload that is not a JSON object in UTF-8', async () => {
    for (const header of ['[]', '"dpop"', '1', 'null', '{', '{"alg":"ES256",}']) await expectAnswer(signed(b64(header), json(claims())), MALFORMED);
    await expectAnswer(signed(b64(Buffer.from([0x7b, 0xff, 0x7d])), json(claims())), MALFORMED);
    const header = json({ alg: 'ES256', typ: 'dpop+jwt', jwk: ecJwk });
    for (const payload of ['[]', '"x"', '42', 'null', '{"htm":']) await expectAnswer(signed(header, b64(payload)), MALFORMED);
    await expectAnswer(signed(header, b64(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))), MALFORMED);
    // A leading byte order mark is dropped, as the UTF-8 decoder jose used dropped it.
    await expectAnswer(signed(b64(`\uFEFF${JSON.stringify({ alg: 'ES256', typ: 'dpop+jwt', jwk: ecJwk })}`), json(claims())), 'accepted');
  });

  it('refuses a signature of the wrong length, a DER signature and a signature by another key', async () => {
    const good = es256();
    const [h, p, s] = good.split('.');
    const raw = Buffer.from(s!, 'base64url');
    for (const signature of [raw.subarray(0, 63), Buffer.concat([raw, Buffer.from([0])]), Buffer.alloc(64), raw.subarray(0, 32)]) {
      await expectAnswer(`${h}.${p}.${b64(signature)}`, SIGNATURE);
    }
    const der = sign('sha256', Buffer.from(`${h}.${p}`), ec.privateKey);
    await expectAnswer(`${h}.${p}.${b64(der)}`, SIGNATURE);
    await expectAnswer(es256({}, claims(), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey), SIGNATURE);
    await expectAnswer(signed(json({ alg: 'EdDSA', typ: 'dpop+jwt', jwk: edJwk }), json(claims()), generateKeyPairSync('ed25519').privateKey), SIGNATURE);
  });

  it('refuses algorithms other than ES256 and EdDSA: none, MACs, RSA, other curves', async () => {
    for (const alg of ['none', 'HS256', 'RS256', 'PS256', 'ES384', 'ES512', 'ML-DSA-44', 'es256']) await expectAnswer(es256({ alg }), 'DPoP proof algorithm not allowed');
    for (const alg of [undefined, '', 7]) await expectAnswer(es256({ alg }), MALFORMED);
  });

  it('refuses a key of another curve or type than the alg names, and a jwk that is not a usable public key', async () => {
    const wrong = [
      { jwk: p384.publicKey.export({ format: 'jwk' }) },
      { jwk: { ...p384.publicKey.export({ format: 'jwk' }), crv: 'P-256' } },
      { jwk: { ...ecJwk, crv: 'P-384' } },
      { jwk: { ...ecJwk, crv: 'secp256k1' } },
      { jwk: edJwk },
      { jwk: { ...ecJwk, kty: 'OKP' } },
      { jwk: { kty: 'oct', k: b64('secret') } },
      { jwk: { ...ecJwk, y: ecJwk.x } },
      { jwk: { ...ecJwk, y: undefined } },
      { jwk: { ...ecJwk, x: 7 } },
      { jwk: 'not an object' },
      { jwk: [ecJwk] },
      { jwk: undefined },
      { jwk: { ...ecJwk, use: 'enc' } },
      { jwk: { ...ecJwk, alg: 'ES384' } },
      { jwk: { ...ecJwk, key_ops: ['sign'] } },
      { jwk: { ...ecJwk, key_ops: ['verify', 'sign'] } },
      { jwk: { ...ecJwk, key_ops: ['verify', 'verify'] } },
      { jwk: { ...ecJwk, key_ops: [] } },
      { jwk: { ...ecJwk, key_ops: 'verify' } },
      { jwk: { ...ecJwk, ext: 'yes' } },
    ];
    for (const header of wrong) await expectAnswer(es256(header), MALFORMED);
    // EdDSA with an EC key, with an Ed448 key, or with a jwk alg of the other EdDSA name.
    for (const [alg, jwk] of [['EdDSA', ecJwk], ['EdDSA', ed448.publicKey.export({ format: 'jwk' })], ['Ed25519', { ...edJwk, alg: 'EdDSA' }], ['EdDSA', { ...edJwk, x: b64(Buffer.alloc(31)) }]] as const) {
      await expectAnswer(signed(json({ alg, typ: 'dpop+jwt', jwk }), json(claims()), ed.privateKey), MALFORMED);
    }
  });

  it('refuses a jwk with private key members (RFC 9449 §4.3 check 6), even one whose public part is cached', async () => {
    const keys = new DpopKeyCache(clock);
    await verifyDpopProof(es256(), { htm: 'POST', htu: HTU, now: clock(), replay: new MemoryReplayCache(clock), keys });
    expect(keys.size).toBe(1);
    for (const jwk of [ec.privateKey.export({ format: 'jwk' }), { ...ecJwk, d: '' }]) await expectAnswer(es256({ jwk }), MALFORMED);
    const edPrivate = ed.privateKey.export({ format: 'jwk' });
    await expectAnswer(signed(json({ alg: 'EdDSA', typ: 'dpop+jwt', jwk: edPrivate }), json(claims()), ed.privateKey), MALFORMED);
    const refused = await verifyDpopProof(es256({ jwk: ec.privateKey.export({ format: 'jwk' }) }), { htm: 'POST', htu: HTU, now: clock(), replay: new MemoryReplayCache(clock), keys }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'invalid_dpop_proof', description: MALFORMED });
    expect(keys.size).toBe(1);
  });

  it('refuses critical extensions it does not understand and an unencoded payload', async () => {
    for (const header of [{ crit: ['exp'] }, { crit: ['exp'], exp: 1, b64: true }, { crit: ['b64', 'exp'], b64: true, exp: 1 }, { crit: [] }, { crit: 'b64', b64: true }, { crit: ['b64'] }, { crit: ['b64'], b64: 'false' }, { crit: ['b64'], b64: false }, { crit: ['b64', ''] }]) {
      await expectAnswer(es256(header), MALFORMED);
    }
    // b64 without crit is ignored (RFC 7797 §6).
    await expectAnswer(es256({ b64: false }), 'accepted');
  });

  it('refuses a wrong typ, and checks the JWT time claims when present: iat, nbf and exp', async () => {
    for (const typ of ['JWT', 'dpop', undefined, 5, 'application/jwt']) await expectAnswer(es256({ typ }), 'the DPoP proof must have typ dpop+jwt');
    await expectAnswer(es256({}, claims({ exp: clock() })), 'the DPoP proof has expired');
    await expectAnswer(es256({}, claims({ exp: clock() + 60 })), 'accepted');
    await expectAnswer(es256({}, claims({ exp: String(clock() + 60) })), MALFORMED);
    await expectAnswer(es256({}, claims({ nbf: clock() + 1 })), MALFORMED);
    await expectAnswer(es256({}, claims({ nbf: clock() })), 'accepted');
    await expectAnswer(es256({}, claims({ iat: String(clock()) })), MALFORMED);
    // A bad signature is found before a bad typ or claims, as jose ordered them.
    await expectAnswer(es256({ typ: 'JWT' }, claims({ exp: 1 }), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey), SIGNATURE);
  });
});
