import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { AuthorizationCodeRecord, ClientRecord, GrantRecord, Store } from '../../src/store/store.js';

const T = 4_102_444_800;

/**
 * Commits in a WAL file: after its 32-byte header (the page size at byte 8), each frame is a 24-byte header and a
 * page, and only a commit's last frame names the database's size in pages (byte 4 of its header).
 */
function commitsIn(wal: Buffer): number {
  const pageSize = wal.readUInt32BE(8);
  let commits = 0;
  for (let at = 32; at + 24 <= wal.length; at += 24 + pageSize) if (wal.readUInt32BE(at + 4) !== 0) commits++;
  return commits;
}

/**
 * The code flow's writes on SQLite (kysely/codes.ts, clients, tokens, audit; sent by the direct runner,
 * sqlite-direct.ts): the same write asked for by several flows in one turn of the event loop shares one commit,
 * as the refresh grant's rotations do. The Store suite holds their answers equal on every database; here, only
 * how many commits they cost.
 */
describe('the code flow on SQLite', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('commits the writes of 8 concurrent flows once per step, not once per flow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flow-commits-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'store.db');
    const store: Store = await openStore(`sqlite:${path}`);
    cleanups.push(() => store.close());
    // Nothing checkpoints here (the checkpointer's first run is a second after open), so the WAL only grows.
    const commits = () => commitsIn(readFileSync(`${path}-wal`));
    const flows = Array.from({ length: 8 }, (_, i) => {
      const clientId = `client_${randomUUID()}`;
      const client: ClientRecord = {
        clientId, clientSecretHash: null, clientName: `flow ${i}`, redirectUris: ['http://127.0.0.1/cb'], grantTypes: ['authorization_code', 'refresh_token'],
        responseTypes: ['code'], tokenEndpointAuthMethod: 'none', scope: 'read', applicationType: 'native', metadata: {}, createdAt: T, lastUsedAt: null,
      };
      const grant: GrantRecord = { id: `grant_${randomUUID()}`, clientId, subject: 'user', scope: 'read', resource: 'http://127.0.0.1/mcp', createdAt: T, lastUsedAt: null, revokedAt: null };
      const code: AuthorizationCodeRecord = {
        codeHash: `code_${randomUUID()}`, grantId: grant.id, clientId, subject: 'user', redirectUri: 'http://127.0.0.1/cb', codeChallenge: 'c', scope: 'read',
        resource: grant.resource, expiresAt: T + 60, usedAt: null, createdAt: T,
      };
      return { client, grant, code };
    });
    const step = async (write: (f: (typeof flows)[number]) => Promise<unknown>) => {
      const before = commits();
      const results = await Promise.all(flows.map(write));
      return { results, commits: commits() - before };
    };

    expect((await step((f) => store.createRegisteredClient(f.client, `rat_${f.client.clientId}`))).commits).toBe(1);
    expect((await step((f) => store.createFlow({ flowId: `flow_${f.client.clientId}`, clientId: f.client.clientId, startedAt: T, updatedAt: T, tokenAt: null, mcpAt: null, expiresAt: T + 60 }))).commits).toBe(1);
    expect((await step((f) => store.createGrantWithCode(f.grant, f.code))).commits).toBe(1);
    const redeemed = await step((f) => store.redeemCode(f.code.codeHash, T + 1, { touchClient: true }));
    expect(redeemed.commits).toBe(1);
    expect(redeemed.results).toEqual(flows.map((f) => ({ status: 'ok', code: { ...f.code, usedAt: T + 1 } })));
    const refresh = (f: (typeof flows)[number]) => ({
      tokenHash: `rt_${f.grant.id}`, grantId: f.grant.id, clientId: f.client.clientId, subject: 'user', scope: 'read', resource: f.grant.resource,
      expiresAt: T + 600, rotatedAt: null, revokedAt: null, createdAt: T + 1,
    });
    expect((await step((f) => store.insertRefreshToken(refresh(f)))).commits).toBe(1);

    for (const f of flows) {
      expect(await store.getCodeWithGrant(f.code.codeHash)).toEqual({ code: { ...f.code, usedAt: T + 1 }, grant: { ...f.grant, lastUsedAt: T + 1 } });
      expect((await store.getClient(f.client.clientId))?.lastUsedAt).toBe(T + 1);
      expect((await store.getRefreshToken(`rt_${f.grant.id}`))?.grantId).toBe(f.grant.id);
    }
  });

  it('commits a write asked for just before close: the close waits for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flow-commits-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const url = `sqlite:${join(dir, 'store.db')}`;
    const flow = { flowId: `flow_${randomUUID()}`, clientId: 'client', startedAt: T, updatedAt: T, tokenAt: null, mcpAt: null, expiresAt: T + 60 };
    const first = await openStore(url);
    const written = first.createFlow(flow); // its commit waits for the next turn of the event loop
    await first.close();
    await written;
    const second = await openStore(url);
    cleanups.push(() => second.close());
    expect(await second.getFlow(flow.flowId)).toEqual(flow);
  });
});
