import { describe, expect, it } from 'vitest';
import { canonicalResource, rememberedCanonicalResource } from '../../src/oauth/resource.js';

describe('canonicalResource (AS-6, RFC 8707 §2, interop note 5)', () => {
  it('interop note 5: with or without a trailing slash is one resource', () => {
    expect(canonicalResource('http://127.0.0.1:5001/mcp/v1/')).toBe('http://127.0.0.1:5001/mcp/v1');
    expect(canonicalResource('http://127.0.0.1:5001/mcp/v1')).toBe('http://127.0.0.1:5001/mcp/v1');
    expect(canonicalResource('http://127.0.0.1:5001')).toBe('http://127.0.0.1:5001');
    expect(canonicalResource('http://127.0.0.1:5001/')).toBe('http://127.0.0.1:5001');
  });

  it('AS-6 lower-cases scheme and host and drops the default port', () => {
    expect(canonicalResource('HTTPS://MCP.Example.COM:443/Mcp')).toBe('https://mcp.example.com/Mcp');
    expect(canonicalResource('http://example.com:80/mcp')).toBe('http://example.com/mcp');
  });

  it('RFC 8707 §2: refuses fragments, relative and non-http URIs', () => {
    expect(canonicalResource('http://127.0.0.1:5001/mcp#x')).toBeNull();
    expect(canonicalResource('http://127.0.0.1:5001/mcp#')).toBeNull();
    expect(canonicalResource('/mcp/v1')).toBeNull();
    expect(canonicalResource('urn:example:thing')).toBeNull();
    expect(canonicalResource('javascript:alert(1)')).toBeNull();
  });

  it('keeps a query string', () => {
    expect(canonicalResource('https://example.com/mcp?tenant=a')).toBe('https://example.com/mcp?tenant=a');
  });
});

describe('rememberedCanonicalResource (the token endpoint\'s copy)', () => {
  const inputs = ['http://127.0.0.1:5001/mcp/v1/', 'HTTPS://MCP.Example.COM:443/Mcp', 'http://x/mcp#f', '/mcp/v1', 'ftp://x/', 'not a url', 'https://example.com/mcp?tenant=a'];

  it('answers what canonicalResource answers, the first time and when remembered, also past its bound', () => {
    const remembered = rememberedCanonicalResource(3, 30);
    for (let round = 0; round < 3; round++) {
      for (const raw of inputs) expect(remembered(raw)).toBe(canonicalResource(raw));
    }
  });
});
