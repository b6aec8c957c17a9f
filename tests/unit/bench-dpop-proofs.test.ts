import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { signProofs } from '../../bench/lib/dpop-proofs.js';
import { systemClock } from '../../src/clock.js';
import { sha256 } from '../../src/oauth/crypto.js';
import { verifyDpopProof } from '../../src/oauth/dpop-proof.js';
import { MemoryReplayCache } from '../../src/oauth/replay-cache.js';

// Scenario 8's proofs (bench/lib/dpop-proofs.ts) are signed by hand with node:crypto: they must be proofs the
// server accepts, each once, bound to the access token, and carry no private key.
describe('bench DPoP proofs', () => {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const url = 'http://127.0.0.1:5001/mcp/v1';
  const token = 'header.payload.signature';

  it('are proofs the resource server accepts once each, bound to the token', async () => {
    const proofs = signProofs({ key, htm: 'POST', htu: url, accessToken: token }, 3);
    const replay = new MemoryReplayCache(systemClock);
    const check = () => ({ htm: 'POST', htu: url, now: systemClock(), accessToken: token, replay });
    const { d: _d, ...publicJwk } = key;
    for (const proof of proofs) {
      const { jkt } = await verifyDpopProof(proof, check());
      expect(jkt).toBe(await calculateJwkThumbprint(publicJwk as never));
    }
    await expect(verifyDpopProof(proofs[0], check())).rejects.toMatchObject({ code: 'invalid_dpop_proof', description: expect.stringContaining('already used') });
    await expect(verifyDpopProof(signProofs({ key, htm: 'POST', htu: url, accessToken: 'another' }, 1)[0], check())).rejects.toMatchObject({ description: expect.stringContaining('ath') });
  });

  it('have a fresh jti each, ath, and only the public key in the header', () => {
    const proofs = signProofs({ key, htm: 'POST', htu: url, accessToken: token }, 50);
    expect(new Set(proofs.map((p) => decodeJwt(p).jti)).size).toBe(50);
    const header = decodeProtectedHeader(proofs[0]!);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'dpop+jwt', jwk: { kty: 'EC', crv: 'P-256', x: key.x, y: key.y } });
    expect(header.jwk).not.toHaveProperty('d');
    expect(decodeJwt(proofs[0]!)).toMatchObject({ htm: 'POST', htu: url, ath: sha256(token) });
  });
});
