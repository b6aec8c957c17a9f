import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClientsCommand } from '../../src/cli/clients.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

function io() {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  return { io: { stdin: new PassThrough(), stdout: out, stderr: err }, text: () => ({ stdout, stderr }) };
}

describe('oauth-mcp clients (operator view of dynamic registrations)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-mcp-clients-'));
  const url = `sqlite:${join(dir, 'db.sqlite')}`;
  let store: Store;
  const saved = process.env.DATABASE_URL;

  beforeAll(async () => {
    process.env.DATABASE_URL = url;
    store = await openStore(url);
    await store.createClient({
      clientId: 'cli-test-client',
      clientSecretHash: 'secret-hash-must-not-show',
      clientName: 'Claude Code',
      redirectUris: ['http://localhost:33418/callback'],
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      tokenEndpointAuthMethod: 'none',
      scope: 'read write',
      applicationType: 'native',
      metadata: {},
      createdAt: 1_800_000_000,
      lastUsedAt: null,
    });
    await store.createGrant({ id: 'g-1', clientId: 'cli-test-client', subject: 'u-1', scope: 'read', resource: 'http://127.0.0.1:5001/mcp/v1', createdAt: 1_800_000_000, lastUsedAt: null, revokedAt: null });
    await store.insertRefreshToken({ tokenHash: 'rt-1', grantId: 'g-1', clientId: 'cli-test-client', subject: 'u-1', scope: 'read', resource: 'r', expiresAt: 1_900_000_000, rotatedAt: null, revokedAt: null, createdAt: 1_800_000_000 });
  });
  afterAll(async () => {
    await store.close();
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('list shows each client with its name, method and redirect URIs; show never prints the secret hash', async () => {
    const a = io();
    expect(await runClientsCommand(['list'], a.io)).toBe(0);
    expect(a.text().stdout).toContain('cli-test-client  Claude Code  none  http://localhost:33418/callback  last used never');
    const b = io();
    expect(await runClientsCommand(['show', 'cli-test-client'], b.io)).toBe(0);
    expect(JSON.parse(b.text().stdout)).toMatchObject({ clientId: 'cli-test-client', clientName: 'Claude Code' });
    expect(b.text().stdout).not.toContain('secret-hash-must-not-show');
  });

  it('introspect designates an existing confidential client as a resource server; a public client is refused', async () => {
    await store.createClient({
      clientId: 'cli-rs', clientSecretHash: 'h', clientName: 'Gateway', redirectUris: [], grantTypes: [], responseTypes: [],
      tokenEndpointAuthMethod: 'client_secret_basic', scope: 'read', applicationType: 'web', metadata: {}, createdAt: 1_800_000_000, lastUsedAt: null,
    });
    const a = io();
    expect(await runClientsCommand(['introspect', 'cli-rs'], a.io)).toBe(0);
    expect(await store.isResourceServer('cli-rs')).toBe(true);
    const shown = io();
    await runClientsCommand(['show', 'cli-rs'], shown.io);
    expect(JSON.parse(shown.text().stdout).mayIntrospect).toBe(true);
    const b = io();
    expect(await runClientsCommand(['introspect', 'cli-test-client'], b.io)).toBe(1);
    expect(b.text().stderr).toContain('is public');
    expect(await store.isResourceServer('cli-test-client')).toBe(false);
  });

  it('remove deletes the client and revokes its grants, ending its refresh tokens', async () => {
    const a = io();
    expect(await runClientsCommand(['remove', 'cli-test-client'], a.io, () => 1_800_000_100)).toBe(0);
    expect(await store.getClient('cli-test-client')).toBeUndefined();
    expect((await store.getGrant('g-1'))?.revokedAt).toBe(1_800_000_100);
    expect((await store.getRefreshToken('rt-1'))?.revokedAt).toBe(1_800_000_100);
  });

  it('an unknown client is exit 1 with a message; a missing argument prints usage with exit 2', async () => {
    const a = io();
    expect(await runClientsCommand(['remove', 'nobody'], a.io)).toBe(1);
    expect(a.text().stderr).toContain('no client nobody');
    const b = io();
    expect(await runClientsCommand(['show'], b.io)).toBe(2);
    expect(b.text().stderr).toContain('usage: mcp-auth-server clients');
  });
});
