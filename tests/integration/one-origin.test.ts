import { afterEach, describe, expect, it } from 'vitest';
import { buildOneOrigin } from '../../src/cli/compose.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { openStore } from '../../src/store/open-store.js';
import { freePort } from '../helpers/ports.js';

/**
 * `mcp-auth-server start --one-origin`: both servers on the issuer's origin and port (docs/architecture.md,
 * "One origin"), built by the CLI's composition root and served on a real port.
 */
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function start() {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', RATE_LIMIT_PER_MINUTE: '0', OAUTH_ISSUER: origin, OAUTH_SERVER_PORT: String(port) });
  const store = await openStore(config.databaseUrl);
  const both = await buildOneOrigin(config, { store, logger: silentLogger(), clock: fixedClock(Math.floor(Date.now() / 1000)) });
  const served = await both.listen({ host: '127.0.0.1', port });
  closers.push(async () => {
    await served.close(0);
    await both.close();
    await store.close();
  });
  return { origin, config };
}

describe('one origin (start --one-origin)', () => {
  it('serves the authorization server and the MCP server side by side: metadata, token, MCP call on one port', async () => {
    const { origin, config } = await start();
    const prm = await (await fetch(`${origin}/.well-known/oauth-protected-resource/mcp/v1`)).json();
    expect(prm).toMatchObject({ resource: `${origin}/mcp/v1`, authorization_servers: [origin], scopes_supported: ['read', 'write'] });
    const as = await (await fetch(`${origin}/.well-known/oauth-authorization-server`)).json();
    expect(as).toMatchObject({ issuer: origin, token_endpoint: `${origin}/oauth/token` });
    const unauthorized = await fetch(`${origin}/mcp/v1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('www-authenticate')).toContain(`resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp/v1"`);

    // The demo client, client_credentials, for the MCP endpoint on this same origin.
    const basic = Buffer.from(`${config.demo.clientId}:${config.demo.clientSecret}`).toString('base64');
    const tokenRes = await fetch(`${origin}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: `${origin}/mcp/v1` }),
    });
    expect(tokenRes.status).toBe(200);
    const { access_token } = (await tokenRes.json()) as { access_token: string };
    const call = await fetch(`${origin}/mcp/v1/tools/call`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'oauth_authenticate', arguments: {} }),
    });
    expect(call.status).toBe(200);
    expect(((await call.json()) as { result: { structuredContent: { subject: string } } }).result.structuredContent.subject).toBe(config.demo.clientId);
    // The pages and the REST API are there too.
    expect((await fetch(`${origin}/static/web.css`)).status).toBe(200);
    expect((await fetch(`${origin}/api/data`, { headers: { authorization: `Bearer ${access_token}` } })).status).toBe(200);
  });
});
