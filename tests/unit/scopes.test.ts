import { describe, expect, it } from 'vitest';
import { DEMO_SCOPES } from '../../src/demo/scopes.js';
import { scopeCatalog } from '../../src/oauth/scope-catalog.js';
import { formatScope, parseScope, resolveRequestedScopes } from '../../src/oauth/scopes.js';
import { acceptedClientScope } from '../../src/auth-server/client-metadata.js';

const demo = scopeCatalog(DEMO_SCOPES);

describe('scopes (interop note 7, RFC 6749 §3.3)', () => {
  it('parseScope splits on spaces, drops empties and duplicates', () => {
    expect(parseScope('read  write read')).toEqual(['read', 'write']);
    expect(parseScope('')).toEqual([]);
    expect(parseScope(undefined)).toEqual([]);
    expect(formatScope(['read', 'write'])).toBe('read write');
  });

  it('parseScope keeps the first occurrence order, for a short list and for a long one alike', () => {
    expect(parseScope(' write read  write admin read ')).toEqual(['write', 'read', 'admin']);
    const long = Array.from({ length: 40 }, (_, i) => `s${i % 25}`).join('  ');
    expect(parseScope(long)).toEqual(Array.from({ length: 25 }, (_, i) => `s${i}`));
  });

  it('interop note 7: no scope asked means the default scopes', () => {
    expect(resolveRequestedScopes(demo, undefined)).toEqual(['read', 'write']);
    expect(resolveRequestedScopes(demo, '')).toEqual(['read', 'write']);
    expect(resolveRequestedScopes(scopeCatalog(DEMO_SCOPES, ['read']), undefined)).toEqual(['read']);
  });

  it('interop note 7: offline_access and openid are dropped, not fatal', () => {
    expect(resolveRequestedScopes(demo, 'openid read offline_access')).toEqual(['read']);
    expect(resolveRequestedScopes(demo, 'offline_access')).toEqual([]);
  });

  it('RFC 6749 §3.3: the allowed list bounds the result, defaults included', () => {
    expect(resolveRequestedScopes(demo, 'read write', ['read'])).toEqual(['read']);
    expect(resolveRequestedScopes(demo, undefined, ['write'])).toEqual(['write']);
  });

  it('AS-4: a registration listing only unknown scopes gets the defaults; known ones are kept', () => {
    expect(acceptedClientScope(demo, 'openid offline_access')).toBe('read write');
    expect(acceptedClientScope(demo, undefined)).toBe('read write');
    expect(acceptedClientScope(demo, 'read offline_access')).toBe('read');
  });

  it('RS-6: a broader scope satisfies a narrower one, never the other way; implies is transitive', () => {
    expect(demo.covers(['write'], ['read'])).toBe(true);
    expect(demo.covers(['read'], ['write'])).toBe(false);
    expect(demo.covers(['read', 'write'], ['read', 'write'])).toBe(true);
    const chain = scopeCatalog({ admin: { description: 'a', implies: ['write'] }, write: { description: 'w', implies: ['read'] }, read: { description: 'r' } });
    expect(chain.covers(['admin'], ['read'])).toBe(true);
    expect(chain.order(['read', 'x', 'admin'])).toEqual(['admin', 'read', 'x']);
  });

  it('scopes come from options: descriptions, and bad definitions are refused', () => {
    expect(demo.describe('write')).toBe(DEMO_SCOPES['write']!.description);
    expect(() => scopeCatalog({ a: { description: 'a', implies: ['missing'] } })).toThrow(/missing/);
    expect(() => scopeCatalog({ 'bad scope': { description: 'x' } })).toThrow(/RFC 6749/);
    expect(() => scopeCatalog({ a: { description: 'a' } }, ['b'])).toThrow(/default scope b/);
  });
});
