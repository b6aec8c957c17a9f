import { auth } from '@modelcontextprotocol/client';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { TestOAuthProvider } from '../interop/oauth-provider.js';
import { assertLibraryBuilt, ROOT, startExample, type RunningExample } from './examples-process.js';

/**
 * examples/protect-rest-api.mjs: a plain node:http REST route behind the same tokens. The token comes from the
 * example's authorization server through the official SDK v2 client's OAuth code (discovery from the API's
 * RFC 9728 metadata, registration, PKCE, token), as any OAuth client would get one.
 */
describe('examples/protect-rest-api.mjs: a REST route protected by the same tokens', () => {
  let example: RunningExample;
  let issuer: string;
  let api: string;

  beforeAll(async () => {
    assertLibraryBuilt();
    const [authPort, apiPort] = [await freePort(), await freePort()];
    issuer = `http://127.0.0.1:${authPort}`;
    api = `http://127.0.0.1:${apiPort}/api`;
    example = await startExample(join(ROOT, 'examples', 'protect-rest-api.mjs'), { AUTH_PORT: String(authPort), API_PORT: String(apiPort) });
  }, 40_000);
  afterAll(async () => {
    await example?.stop();
  });

  it('RS-3 without a token: 401 with a challenge naming the API metadata, which names the issuer', async () => {
    const res = await fetch(`${api}/notes`);
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
    expect(metadataUrl).toBe(`${new URL(api).origin}/.well-known/oauth-protected-resource/api`);
    expect(challenge).toContain('scope="notes:read"');
    expect(challenge).not.toContain('error=');
    expect(await (await fetch(metadataUrl!)).json()).toMatchObject({ resource: api, authorization_servers: [issuer], scopes_supported: ['notes:read'] });
  });

  it('with a token from the authorization server: 200 and the caller; RS-4 a damaged token: 401 invalid_token', async () => {
    const provider = new TestOAuthProvider();
    expect(await auth(provider as any, { serverUrl: api })).toBe('REDIRECT');
    const iss = provider.callback!.get('iss') ?? undefined;
    expect(await auth(provider as any, { serverUrl: api, authorizationCode: provider.takeCode(), iss })).toBe('AUTHORIZED');
    const token: string = provider.tokens().access_token;
    expect(provider.tokens().scope).toBe('notes:read');
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(claims.aud).toBe(api);

    const ok = await fetch(`${api}/notes`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ owner: claims.sub, notes: [`hello ${claims.sub}`] });

    const damaged = await fetch(`${api}/notes`, { headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` } });
    expect(damaged.status).toBe(401);
    expect(damaged.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('stops on SIGTERM with exit code 0', async () => {
    expect(await example.stop()).toBe(0);
  });
});
