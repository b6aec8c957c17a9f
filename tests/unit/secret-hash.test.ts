import { describe, expect, it } from 'vitest';
import { constantTimeEqual, secretMatchesHash, sha256 } from '../../src/oauth/crypto.js';

describe('secretMatchesHash (client secrets against their stored SHA-256, docs/security.md)', () => {
  it('gives the answer constantTimeEqual(sha256(secret), stored) gives', () => {
    const stored = sha256('demo_secret');
    const cases: Array<[string, string]> = [
      ['demo_secret', stored],
      ['demo_secreT', stored],
      ['', stored],
      ['demo_secret', stored.slice(1)],
      ['demo_secret', `${stored}=`],
      ['demo_secret', ''],
      ['ünïcode ✓', sha256('ünïcode ✓')],
      ['demo_secret', stored.replace(/-/g, '+').replace(/_/g, '/')],
      // Same low bytes as the real hash's first character, but another string: must not match.
      ['demo_secret', String.fromCharCode(stored.charCodeAt(0) + 256) + stored.slice(1)],
    ];
    for (const [secret, hash] of cases) expect(secretMatchesHash(secret, hash)).toBe(constantTimeEqual(sha256(secret), hash));
    expect(secretMatchesHash('demo_secret', stored)).toBe(true);
    expect(secretMatchesHash('demo_secreT', stored)).toBe(false);
  });
});
