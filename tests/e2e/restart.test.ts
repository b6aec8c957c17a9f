import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { buildAuthServer, buildMcpServer } from '../../src/cli/compose.js';
import { listen } from '../../src/runtime/listen.js';
import { openStore } from '../../src/store/open-store.js';
import { freePort } from '../helpers/ports.js';


/** Both servers as `oauth-mcp start` builds them, on real ports, over one SQLite file. */
async function start(config: ReturnType<typeof loadConfig>) {
  const base = { store: await openStore(config.databaseUrl), logger: silentLogger(), clock: systemClock };
  const auth = await buildAuthServer(config, base);
  const mcp = await buildMcpServer(config, base);
  const servers = [await listen(auth.app, '127.0.0.1', config.authServer.port), await listen(mcp.app, '127.0.0.1', config.mcpServer.port)];
  return {
    stop: async () => {
      for (const s of servers) await s.close(0);
      await mcp.close();
      await base.store.close();
      // This process's fetch keeps its connections to the servers alive; it learns that the closed servers ended
      // them only when the event loop next polls for I/O. Without that poll the next fetch may go out on one of
      // them and fail with "other side closed" (a restarted process's clients have their connections reset).
      // One setImmediate can run before the next poll phase; the second runs after it.
      for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('a restart keeps the data, the clients and the signing keys (docs/storage.md)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-mcp-restart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('items created before a restart are listed after it, and a token issued before it still verifies', async () => {
    const [asPort, mcpPort] = [await freePort(), await freePort()];
    const issuer = `http://127.0.0.1:${asPort}`;
    const mcpUrl = `http://127.0.0.1:${mcpPort}`;
    const config = loadConfig({
      DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
      OAUTH_SERVER_PORT: String(asPort),
      MCP_SERVER_PORT: String(mcpPort),
      OAUTH_ISSUER: issuer,
      MCP_SERVER_URL: mcpUrl,
      RATE_LIMIT_PER_MINUTE: '0',
    });
    const token = async () => {
      const res = await fetch(`${issuer}/oauth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('demo_client:demo_secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&scope=read+write',
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const list = async (t: string) => {
      const res = await fetch(`${mcpUrl}/api/data`, { headers: { authorization: `Bearer ${t}` } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: Array<{ name: string; value: number }> }).items;
    };

    const first = await start(config);
    const before = await token();
    for (const [name, value] of [['alpha', 1], ['beta', 2.5]] as const) {
      const res = await fetch(`${mcpUrl}/api/data`, {
        method: 'POST',
        headers: { authorization: `Bearer ${before}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, value }),
      });
      expect(res.status).toBe(201);
    }
    const jwksBefore = await (await fetch(`${issuer}/.well-known/jwks.json`)).json();
    await first.stop();

    const second = await start(config);
    try {
      expect(await (await fetch(`${issuer}/.well-known/jwks.json`)).json()).toEqual(jwksBefore);
      expect((await list(before)).map((i) => [i.name, i.value])).toEqual([['alpha', 1], ['beta', 2.5]]);
      expect((await list(await token())).map((i) => i.name)).toEqual(['alpha', 'beta']);
    } finally {
      await second.stop();
    }
  });
});
