import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { runCli } from '../helpers/cli-process.js';
import { createTestPostgresDatabase, POSTGRES_ADMIN_URL, RUN_POSTGRES } from '../helpers/databases.js';
import { freePort } from '../helpers/ports.js';

/**
 * A PostgreSQL database that takes no writes (a standby, or default_transaction_read_only) still answers reads, so
 * it would pass a plain ping and fail at the first token. The store's ping (GET /ready's database check) fails on
 * it, and start refuses with one line. The SQLite side is in tests/e2e/operator-cli.test.ts.
 */
describe.skipIf(!RUN_POSTGRES)('a read-only PostgreSQL database (skipped only when no local PostgreSQL answers; never under CI=true)', () => {
  let db: { url: string; drop: () => Promise<void> };
  const dir = mkdtempSync(join(tmpdir(), 'oauth-mcp-ro-'));
  beforeAll(async () => {
    db = await createTestPostgresDatabase();
    await (await openStore(db.url)).close(); // migrated while writable
    const name = new URL(db.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    await admin.query(`ALTER DATABASE ${name} SET default_transaction_read_only = on`);
    await admin.end();
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails the store\'s ping (the /ready database check), naming why', async () => {
    const store = await openStore(db.url);
    try {
      await expect(store.ping()).rejects.toThrow(/^the PostgreSQL database is read-only \(transaction_read_only is on/);
    } finally {
      await store.close();
    }
  });

  it('makes start refuse with one line', async () => {
    const [asPort, mcpPort] = [await freePort(), await freePort()];
    const r = await runCli(['start'], { DATABASE_URL: db.url, OAUTH_SERVER_PORT: String(asPort), MCP_SERVER_PORT: String(mcpPort), OAUTH_ISSUER: `http://127.0.0.1:${asPort}`, MCP_SERVER_URL: `http://127.0.0.1:${mcpPort}` }, { cwd: dir, timeoutMs: 20_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mcp-auth-server: refusing to start: DATABASE_URL: the PostgreSQL database is read-only .*\n$/);
  }, 30_000);
});
