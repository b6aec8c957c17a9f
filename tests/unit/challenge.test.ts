import { describe, expect, it } from 'vitest';
import {
  challengeResponse,
  insufficientScopeChallenge,
  invalidRequestChallenge,
  invalidTokenChallenge,
  missingTokenChallenge,
} from '../../src/resource-server/challenge.js';
import { serverResources } from '../../src/demo/resources.js';
import { protectedResourceMetadataUrl } from '../../src/resource-server/resources.js';

const ctx = { resourceMetadataUrl: 'http://127.0.0.1:5001/.well-known/oauth-protected-resource/mcp/v1' };

describe('WWW-Authenticate challenges (RFC 6750 §3)', () => {
  it('RS-3: no error attribute, scopes in the order given (the caller\'s canonical order), duplicates and offline_access dropped (RS-8)', () => {
    expect(missingTokenChallenge(ctx, ['read', 'offline_access', 'write', 'read']).wwwAuthenticate).toBe(
      `Bearer resource_metadata="${ctx.resourceMetadataUrl}", scope="read write"`,
    );
  });

  it('RS-3: with no scope to advertise the scope attribute is left out, not empty', () => {
    expect(missingTokenChallenge(ctx, []).wwwAuthenticate).toBe(`Bearer resource_metadata="${ctx.resourceMetadataUrl}"`);
  });

  it('RS-6: every scope given is named, in the order given', () => {
    const ch = insufficientScopeChallenge(ctx, ['read', 'admin'], 'needs admin');
    expect(ch.status).toBe(403);
    expect(ch.wwwAuthenticate).toBe(
      `Bearer error="insufficient_scope", error_description="needs admin", scope="read admin", resource_metadata="${ctx.resourceMetadataUrl}"`,
    );
  });

  it('RFC 6750 §3: quotes, backslashes and control characters cannot break out of error_description', () => {
    const ch = invalidTokenChallenge(ctx, 'bad "token"\\\r\n, error="x"');
    expect(ch.wwwAuthenticate).toBe(
      `Bearer error="invalid_token", error_description="bad token, error=x", resource_metadata="${ctx.resourceMetadataUrl}"`,
    );
    // The JSON body keeps the text as written; only the header has the restricted alphabet.
    expect(ch.body.error_description).toBe('bad "token"\\\r\n, error="x"');
  });

  it('RS-9: invalid_request is a 400', () => {
    expect(invalidRequestChallenge(ctx, 'x').status).toBe(400);
  });

  it('challengeResponse: JSON body, header, no-store', async () => {
    const res = challengeResponse(invalidTokenChallenge(ctx, 'token expired'));
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: 'invalid_token', error_description: 'token expired' });
  });
});

describe('resource URLs', () => {
  it('RS-2, RFC 9728 §3.1: the well-known suffix goes between host and path', () => {
    expect(protectedResourceMetadataUrl('http://127.0.0.1:5001/mcp/v1')).toBe('http://127.0.0.1:5001/.well-known/oauth-protected-resource/mcp/v1');
    expect(protectedResourceMetadataUrl('http://127.0.0.1:5001')).toBe('http://127.0.0.1:5001/.well-known/oauth-protected-resource');
  });

  it('interop 5: a trailing slash on MCP_SERVER_URL does not change the resources', () => {
    expect(serverResources('http://127.0.0.1:5001/')).toEqual({
      mcp: 'http://127.0.0.1:5001/mcp/v1',
      mcpAlias: 'http://127.0.0.1:5001/mcp',
      origin: 'http://127.0.0.1:5001',
    });
  });
});
