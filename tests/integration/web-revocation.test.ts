import { describe, expect, it } from 'vitest';
import { revocationCheck, type RevocationSource } from '../../src/resource-server/revocation-check.js';

/** A store double that counts lookups, so the cache bound can be checked without a database. */
function source() {
  const revokedJtis = new Set<string>();
  const grants = new Map<string, { revokedAt: number | null }>([['g1', { revokedAt: null }]]);
  const calls = { jti: 0, grant: 0 };
  const s: RevocationSource = {
    async isAccessTokenRevoked(jti) {
      calls.jti++;
      return revokedJtis.has(jti);
    },
    async getGrant(id) {
      calls.grant++;
      return grants.get(id);
    },
  };
  return { s, revokedJtis, grants, calls };
}

describe('revocationCheck: how revocation reaches access tokens', () => {
  it('refuses a token whose grant is revoked, but only after the cached answer ages out (the 5 s bound)', async () => {
    const { s, grants, calls } = source();
    let now = 0;
    const isRevoked = revocationCheck(s, { now: () => now });
    expect(await isRevoked('j1', { grantId: 'g1' })).toBe(false);
    grants.set('g1', { revokedAt: 1 });
    now = 4_999;
    expect(await isRevoked('j1', { grantId: 'g1' }), 'within the bound the cached answer stands').toBe(false);
    expect(calls.grant).toBe(1);
    now = 5_000;
    expect(await isRevoked('j1', { grantId: 'g1' })).toBe(true);
    expect(calls.grant).toBe(2);
  });

  it('refuses a token whose jti was revoked (RFC 7009), and keeps the revoked answer', async () => {
    const { s, revokedJtis, calls } = source();
    let now = 0;
    const isRevoked = revocationCheck(s, { now: () => now });
    revokedJtis.add('j2');
    expect(await isRevoked('j2')).toBe(true);
    now = 60_000;
    expect(await isRevoked('j2')).toBe(true);
    expect(calls.jti).toBe(1);
  });

  it('fails closed on a grant id that does not exist, and checks no grant when the token names none', async () => {
    const { s, calls } = source();
    const isRevoked = revocationCheck(s);
    expect(await isRevoked('j3', { grantId: 'no-such-grant' })).toBe(true);
    expect(await isRevoked('j4')).toBe(false);
    expect(calls.grant).toBe(1);
  });
});
