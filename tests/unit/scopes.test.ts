import { describe, expect, it } from 'vitest';
import { DEFAULT_SCOPES, formatScope, hasScopes, parseScope, resolveRequestedScopes } from '../../src/oauth/scopes.js';
import { acceptedClientScope } from '../../src/auth-server/client-metadata.js';

describe('scopes (interop note 7, RFC 6749 §3.3)', () => {
  it('parseScope splits on spaces, drops empties and duplicates', () => {
    expect(parseScope('read  write read')).toEqual(['read', 'write']);
    expect(parseScope('')).toEqual([]);
    expect(parseScope(undefined)).toEqual([]);
    expect(formatScope(['read', 'write'])).toBe('read write');
  });

  it('interop note 7: no scope asked means the default scopes', () => {
    expect(resolveRequestedScopes(undefined)).toEqual(DEFAULT_SCOPES);
    expect(resolveRequestedScopes('')).toEqual(DEFAULT_SCOPES);
  });

  it('interop note 7: offline_access and openid are dropped, not fatal', () => {
    expect(resolveRequestedScopes('openid read offline_access')).toEqual(['read']);
    expect(resolveRequestedScopes('offline_access')).toEqual([]);
  });

  it('RFC 6749 §3.3: the allowed list bounds the result, defaults included', () => {
    expect(resolveRequestedScopes('read write', ['read'])).toEqual(['read']);
    expect(resolveRequestedScopes(undefined, ['write'])).toEqual(['write']);
  });

  it('AS-4: a registration listing only unknown scopes gets the defaults; known ones are kept', () => {
    expect(acceptedClientScope('openid offline_access')).toBe('read write');
    expect(acceptedClientScope(undefined)).toBe('read write');
    expect(acceptedClientScope('read offline_access')).toBe('read');
  });

  it('RS-6: a broader scope satisfies a narrower one, never the other way', () => {
    expect(hasScopes(['write'], ['read'])).toBe(true);
    expect(hasScopes(['read'], ['write'])).toBe(false);
    expect(hasScopes(['read', 'write'], ['read', 'write'])).toBe(true);
  });
});
