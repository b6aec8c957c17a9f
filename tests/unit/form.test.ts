import { describe, expect, it } from 'vitest';
import { parseForm } from '../../src/auth-server/form.js';
import { OAuthError } from '../../src/oauth/errors.js';

/** What a parse throws, as its OAuth error code and description (undefined when it does not throw). */
function refusal(body: string): { code: string; description: string | undefined } | undefined {
  try {
    parseForm(body);
    return undefined;
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    return { code: err.code, description: err.description };
  }
}

describe('parseForm (RFC 6749 §3.2: application/x-www-form-urlencoded, each parameter at most once)', () => {
  it('reads names and values, decoding percent-encoding and + as a space', () => {
    expect({ ...parseForm('grant_type=client_credentials&scope=read%20write+admin&resource=http%3A%2F%2Fa.example%2Fmcp') }).toEqual({
      grant_type: 'client_credentials',
      scope: 'read write admin',
      resource: 'http://a.example/mcp',
    });
    expect({ ...parseForm('a%2Bb=c+d%2B') }).toEqual({ 'a+b': 'c d+' });
    expect({ ...parseForm('x=1=2') }).toEqual({ x: '1=2' });
  });

  it('treats a parameter without a value as absent, skips empty pairs, and has no prototype', () => {
    const params = parseForm('&a=1&&b=&c&=v&');
    expect({ ...params }).toEqual({ a: '1', '': 'v' });
    expect(Object.getPrototypeOf(params)).toBeNull();
    expect({ ...parseForm('') }).toEqual({});
    expect({ ...parseForm('constructor=x') }).toEqual({ constructor: 'x' });
  });

  it('refuses a repeated parameter, with or without a value, and a second resource as invalid_target', () => {
    expect(refusal('a=1&a=2')).toEqual({ code: 'invalid_request', description: 'parameter a is repeated' });
    expect(refusal('a=&a=2')).toEqual({ code: 'invalid_request', description: 'parameter a is repeated' });
    expect(refusal('a=1&a')).toEqual({ code: 'invalid_request', description: 'parameter a is repeated' });
    expect(refusal('a&a')).toEqual({ code: 'invalid_request', description: 'parameter a is repeated' });
    expect(refusal('resource=x&resource=y')).toEqual({ code: 'invalid_target', description: 'only one resource per request is supported' });
    expect(refusal('a=1&b=2')).toBeUndefined();
  });

  it('refuses malformed percent-encoding', () => {
    expect(refusal('a=%E0%A4%A')).toEqual({ code: 'invalid_request', description: 'the request body is not valid form encoding' });
    expect(refusal('%zz=1')).toEqual({ code: 'invalid_request', description: 'the request body is not valid form encoding' });
  });
});
