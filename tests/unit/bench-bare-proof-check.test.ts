import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bareProofCheck } from '../../bench/lib/bare-proof-check.js';
import { signProofs } from '../../bench/lib/dpop-proofs.js';

// Scenario 8's ruler (bench/lib/bare-proof-check.ts), timed in a loop and inside the bench server's requests: it
// must do the work of a proof check, not pass everything, or the scenario would read against a ruler of nothing.
describe('bench: the bare proof check (scenario 8 ruler)', () => {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const url = 'http://127.0.0.1:5001/mcp/v1';
  const token = 'header.payload.signature';
  const now = () => Date.now() / 1000;

  it('accepts each of the bench proofs once', () => {
    const check = bareProofCheck();
    const proofs = signProofs({ key, htm: 'POST', htu: url, accessToken: token }, 5);
    for (const proof of proofs) check(proof, url, token, now());
    expect(() => check(proofs[2]!, url, token, now())).toThrow(/refused/);
  });

  it('refuses another URL, another token, a proof signed by another key than its header names, and a stale one', () => {
    const check = bareProofCheck();
    const [first, second, third] = signProofs({ key, htm: 'POST', htu: url, accessToken: token }, 3) as [string, string, string];
    expect(() => check(first, `${url}/x`, token, now())).toThrow(/refused/);
    expect(() => check(first, url, 'another', now())).toThrow(/refused/);
    expect(() => check(first, url, token, now() + 120)).toThrow(/refused/);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const foreign = signProofs({ key: other, htm: 'POST', htu: url, accessToken: token }, 1)[0]!;
    // The second proof's header and claims with the signature of another key's proof.
    const forged = `${second.slice(0, second.lastIndexOf('.'))}${foreign.slice(foreign.lastIndexOf('.'))}`;
    expect(() => check(forged, url, token, now())).toThrow(/refused/);
    check(third, url, token, now());
  });
});
