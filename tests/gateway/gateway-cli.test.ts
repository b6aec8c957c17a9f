import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestOAuthProvider } from '../interop/oauth-provider.js';
import { freePort } from '../helpers/ports.js';
import { EVERYTHING_BIN, FILESYSTEM_BIN } from './upstreams.js';

const ROOT = process.cwd();

async function connect(endpoint: URL, provider: TestOAuthProvider) {
  const client = new Client({ name: 'gateway-cli', version: '1.0.0' });
  try {
    await client.connect(new StreamableHTTPClientTransport(endpoint, { authProvider: provider as any }));
    return client;
  } catch (err) {
    if (!(err instanceof UnauthorizedError)) throw err;
    await new StreamableHTTPClientTransport(endpoint, { authProvider: provider as any }).finishAuth(provider.callback!);
    const retry = new Client({ name: 'gateway-cli', version: '1.0.0' });
    await retry.connect(new StreamableHTTPClientTransport(endpoint, { authProvider: provider as any }));
    return retry;
  }
}

describe('oauth-mcp gateway --config: several upstreams, each its own protected resource', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let gateway: ChildProcess;
  let out = '';
  let mcp: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oauth-mcp-gateway-'));
    writeFileSync(join(dir, 'note.txt'), 'a note');
    const [authPort, mcpPort] = [await freePort(), await freePort()];
    mcp = `http://127.0.0.1:${mcpPort}`;
    env = {
      ...process.env,
      OAUTH_SERVER_PORT: String(authPort),
      OAUTH_ISSUER: `http://127.0.0.1:${authPort}`,
      MCP_SERVER_PORT: String(mcpPort),
      MCP_SERVER_URL: mcp,
      DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
      LOG_LEVEL: 'warn',
    };
    const config = { upstreams: { everything: { stdio: `${EVERYTHING_BIN} stdio`, scopes: { default: 'read' } }, files: { command: FILESYSTEM_BIN, args: [dir] } } };
    writeFileSync(join(dir, 'gateway.json'), JSON.stringify(config));
    gateway = spawn('node', ['bin/oauth-mcp.js', 'gateway', '--config', join(dir, 'gateway.json')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    gateway.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    gateway.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const until = Date.now() + 40_000;
    while (!(await fetch(`${mcp}/health`).then((r) => r.ok, () => false))) {
      if (gateway.exitCode !== null || Date.now() > until) throw new Error(`gateway did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 60_000);

  afterAll(() => {
    if (gateway.exitCode === null) gateway.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('names each upstream and its URL in the banner', () => {
    expect(out).toContain(`${mcp}/mcp/everything`);
    expect(out).toContain(`${mcp}/mcp/files`);
  });

  it('RS-1 serves RFC 9728 metadata per upstream path, each with its own resource and scopes', async () => {
    const doc = await (await fetch(`${mcp}/.well-known/oauth-protected-resource/mcp/files`)).json();
    expect(doc).toMatchObject({ resource: `${mcp}/mcp/files`, authorization_servers: [env['OAUTH_ISSUER']], scopes_supported: ['read', 'write'] });
    const everything = await (await fetch(`${mcp}/.well-known/oauth-protected-resource/mcp/everything`)).json();
    expect(everything).toMatchObject({ resource: `${mcp}/mcp/everything`, scopes_supported: ['read', 'write'] });
  });

  it('RS-5 the SDK v2 client completes OAuth per upstream; a token for one upstream is refused by the other', async () => {
    const filesProvider = new TestOAuthProvider();
    const files = await connect(new URL(`${mcp}/mcp/files`), filesProvider);
    const listed = await files.callTool({ name: 'list_directory', arguments: { path: dir } });
    expect(JSON.stringify(listed.content)).toContain('note.txt');
    const everything = await connect(new URL(`${mcp}/mcp/everything`), new TestOAuthProvider());
    expect((await everything.callTool({ name: 'echo', arguments: { message: 'cli' } })).content).toEqual([{ type: 'text', text: 'Echo: cli' }]);

    const wrongAudience = await fetch(`${mcp}/mcp/everything`, {
      method: 'POST',
      headers: { authorization: `Bearer ${filesProvider.tokens().access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
    });
    expect(wrongAudience.status).toBe(401);
    await files.close();
    await everything.close();
  }, 60_000);

  it('counts forwarded calls per upstream in /metrics', async () => {
    const text = await (await fetch(`${mcp}/metrics`)).text();
    expect(text).toMatch(/gateway_calls_total\{[^}]*upstream="files"[^}]*outcome="success"[^}]*\} 1/);
    expect(text).toMatch(/gateway_calls_total\{[^}]*upstream="everything"[^}]*outcome="success"[^}]*\} 1/);
    expect(text).toMatch(/gateway_upstream_connections\{[^}]*upstream="files"[^}]*\} 1/);
  });

  it('a bad config file stops with one line naming the field (exit 2)', () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ upstreams: { x: { url: 'ftp://nope' } } }));
    const run = spawnSync('node', ['bin/oauth-mcp.js', 'gateway', '--config', join(dir, 'bad.json')], { cwd: ROOT, env, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe('oauth-mcp gateway: config: upstreams.x.url: not an http(s) URL: ftp://nope');
  });

  it('SIGTERM stops the gateway and its upstream processes', async () => {
    const exited = new Promise<number | null>((resolve) => gateway.once('exit', (code) => resolve(code)));
    gateway.kill('SIGTERM');
    expect(await exited).toBe(0);
    const leftover = spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' }).stdout.trim();
    expect(leftover).toBe('');
  });
});
