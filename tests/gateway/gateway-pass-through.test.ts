import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { messagesOf } from '../../src/gateway/json-rpc-body.js';
import { bearerClient } from './bearer-client.js';
import { startFakeUpstream } from './fake-upstream.js';
import { startGateway, type RunningGateway } from './gateway-servers.js';
import { startHttpUpstream } from './spawned.js';
import { EVERYTHING_BIN, upstream } from './upstreams.js';

const VERSION = '2025-11-25';
type Fake = Awaited<ReturnType<typeof startFakeUpstream>>;
let fake: Fake | undefined;
let gw: RunningGateway | undefined;
afterEach(async () => {
  await gw?.close();
  await fake?.stop();
  gw = fake = undefined;
});

/** One JSON-RPC POST to the gateway, as a 2025-11-25 client sends it; the answer's messages whether JSON or SSE. */
async function rpc(token: string, body: Record<string, unknown>, sessionId?: string, method = 'POST') {
  const res = await fetch(gw!.endpoint, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(sessionId && { 'mcp-session-id': sessionId, 'mcp-protocol-version': VERSION }) },
    ...(method === 'POST' && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const messages = messagesOf(text, (res.headers.get('content-type') ?? '').startsWith('text/event-stream')) as Array<Record<string, any>>;
  return { status: res.status, headers: res.headers, text, messages };
}

async function session(token: string) {
  const init = await rpc(token, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  const sid = init.headers.get('mcp-session-id')!;
  expect((await rpc(token, { jsonrpc: '2.0', method: 'notifications/initialized' }, sid)).status).toBe(202);
  return { init, sid };
}

const call = (name: string, id: number, extra: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {}, ...extra } });

describe('gateway pass-through to a Streamable HTTP upstream (2025-era sessions)', () => {
  it('maps its own session id to the upstream session, sends the identity (signed once), streams SSE answers with progress, reports calls', async () => {
    fake = await startFakeUpstream();
    gw = await startGateway(() => upstream({ url: fake!.url }));
    const token = await gw.mint('alice', 'read');
    const { init, sid } = await session(token);
    expect(init.status).toBe(200);
    expect(sid).toBeTruthy();
    expect(sid).not.toMatch(/^up-/);
    // Only the capabilities the gateway forwards; the rest of the upstream's answer as it was.
    expect(init.messages[0]!['result']).toMatchObject({ protocolVersion: VERSION, capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'fake-upstream' }, instructions: 'be nice' });
    expect(init.messages[0]!['result'].capabilities.experimental).toBeUndefined();
    // After initialized, the gateway lists the tools once itself: read_thing is known read-only before any call.
    expect(fake.calls('tools/list')).toHaveLength(1);

    const read = await rpc(token, call('read_thing', 2, { _meta: { progressToken: 'p1' } }), sid);
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(read.headers.get('mcp-session-id')).toBe(sid);
    expect(read.messages.map((m) => m['method'] ?? 'answer')).toEqual(['notifications/progress', 'answer']);
    expect(read.messages[0]!['params']).toEqual({ progressToken: 'p1', progress: 1, total: 2 });
    expect(read.messages[1]).toEqual({ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'read' }] } });

    const upstreamCall = fake.calls('tools/call').at(-1)!;
    expect(upstreamCall.headers['mcp-session-id']).toBe('up-1');
    const auths = fake.seen.map((s) => s.headers.authorization);
    expect(auths[0]).toMatch(/^Bearer ey/);
    expect(auths).not.toContain(`Bearer ${token}`);
    // One identity JWT for this caller for most of its life, not one signature per request.
    expect(new Set(auths).size).toBe(1);
    expect(gw.calls).toMatchObject([{ upstream: 'up', subject: 'alice', clientId: 'test-client', tool: 'read_thing', outcome: 'success' }]);

    // Another user presenting the id gets the same 404 as an unknown id.
    expect((await rpc(await gw.mint('bob', 'read write'), call('read_thing', 3), sid)).status).toBe(404);
  });

  it('refuses before forwarding: 403 insufficient_scope for a tool the token lacks, method not found for what the SDK path does not forward', async () => {
    fake = await startFakeUpstream();
    gw = await startGateway(() => upstream({ url: fake!.url }));
    const token = await gw.mint('alice', 'read');
    const { sid } = await session(token);
    const refused = await rpc(token, call('write_thing', 2), sid);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(/error="insufficient_scope",.* scope="read write"/);
    const unknown = await rpc(token, { jsonrpc: '2.0', id: 3, method: 'tasks/list' }, sid);
    expect(unknown.messages[0]).toMatchObject({ id: 3, error: { code: -32601 } });
    expect(fake.calls('tools/call')).toHaveLength(0);
    expect(fake.calls('tasks/list')).toHaveLength(0);

    // tools/list is rewritten: every tool marked with its scopes, those this token lacks with missingScopes.
    const list = await rpc(token, { jsonrpc: '2.0', id: 4, method: 'tools/list' }, sid);
    const tools = Object.fromEntries((list.messages[0]!['result'].tools as Array<{ name: string; _meta: Record<string, unknown> }>).map((t) => [t.name, t._meta]));
    expect(tools['read_thing']).toEqual({ 'oauth-mcp/requiredScopes': ['read'] });
    expect(tools['write_thing']).toEqual({ 'oauth-mcp/requiredScopes': ['write'], 'oauth-mcp/missingScopes': ['write'] });
  });

  it('an upstream that hangs times out with a JSON-RPC error on the stream; a restarted upstream gets a new session; a stopped one fails at once; DELETE ends the upstream session', async () => {
    fake = await startFakeUpstream();
    gw = await startGateway(() => upstream({ url: fake!.url, scopes: { default: 'read' }, limits: { requestTimeoutMs: 300 } }));
    const token = await gw.mint('alice', 'read');
    const { sid } = await session(token);

    const started = Date.now();
    const hung = await rpc(token, call('hang', 2), sid);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(hung.messages.at(-1)).toMatchObject({ id: 2, error: { code: -32003, message: expect.stringMatching(/no answer within 300 ms/) } });
    expect(gw.calls.at(-1)).toMatchObject({ tool: 'hang', outcome: 'failure' });

    const broken = await rpc(token, call('broken', 3), sid);
    expect(broken.messages[0]!['result'].isError).toBe(true);
    expect(gw.calls.at(-1)).toMatchObject({ tool: 'broken', outcome: 'tool_error' });

    // The upstream forgets its sessions: the gateway opens a new one with the client's initialize, and the call goes through.
    fake.restart();
    const after = await rpc(token, call('write_thing', 4), sid);
    expect(after.messages[0]).toEqual({ jsonrpc: '2.0', id: 4, result: { content: [{ type: 'text', text: 'written' }] } });
    expect(fake.calls('initialize').map((s) => s.headers['mcp-session-id'])).toEqual([undefined, undefined]);
    expect(fake.calls('tools/call').at(-1)!.headers['mcp-session-id']).toBe('up-2');

    expect((await rpc(token, {}, sid, 'DELETE')).status).toBe(200);
    expect(fake.seen.filter((s) => s.method === 'DELETE').map((s) => s.headers['mcp-session-id'])).toEqual(['up-2']);
    expect((await rpc(token, call('write_thing', 5), sid)).status).toBe(404);

    const { sid: second } = await session(token);
    await fake.stop();
    const down = await rpc(token, call('write_thing', 6), second);
    expect(down.messages[0]).toMatchObject({ id: 6, error: { code: -32003, message: expect.stringMatching(/^Upstream up failed/) } });
    expect((await fetch(`${gw.mcpUrl}/health`)).status).toBe(200);
    fake = undefined;
  });

  it("the upstream's request to the client (elicitation) and the client's answer pass through the SDK v2 client's session", async () => {
    fake = await startFakeUpstream();
    gw = await startGateway(() => upstream({ url: fake!.url }));
    const client = new Client({ name: 'elicit', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { name: 'Ada' } }));
    await client.connect(new StreamableHTTPClientTransport(gw.endpoint, { requestInit: { headers: { authorization: `Bearer ${await gw.mint('carol')}` } } }));
    const answer = await client.callTool({ name: 'ask', arguments: {} });
    expect(JSON.stringify(answer.content)).toContain('Ada');
    await client.close();
  });

  it('server-everything over Streamable HTTP: its sampling and roots requests reach the SDK v2 client and the answers go back', async () => {
    const everything = await startHttpUpstream(EVERYTHING_BIN, ['streamableHttp'], /listening on port/i);
    try {
      gw = await startGateway(() => upstream({ url: `http://127.0.0.1:${everything.port}/mcp`, scopes: { default: 'read' } }));
      const client = new Client({ name: 'gateway-caps', version: '1.0.0' }, { capabilities: { sampling: {}, roots: { listChanged: true } } });
      client.setRequestHandler('sampling/createMessage', async () => ({ model: 'test-model', role: 'assistant', content: { type: 'text', text: 'sampled by the client' } }));
      client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///tmp/client-root', name: 'client root' }] }));
      await client.connect(new StreamableHTTPClientTransport(gw.endpoint, { requestInit: { headers: { authorization: `Bearer ${await gw.mint('erin')}` } } }));
      const sampled = await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'hello' } });
      expect(JSON.stringify(sampled.content)).toContain('sampled by the client');
      await expect.poll(async () => JSON.stringify((await client.callTool({ name: 'get-roots-list', arguments: {} })).content), { timeout: 5000 }).toContain('file:///tmp/client-root');
      // These went through the pass-through, not the SDK sessions.
      expect(gw.gateway.connections()).toBe(1);
      expect(gw.gateway.pool.live()).toEqual([]);
      await client.close();
    } finally {
      await everything.stop();
    }
  }, 30_000);

  it('parity: the SDK v2 client sees the same server, tools, results and errors through the pass-through and through the SDK path (the 403 of the route is the same code on both)', async () => {
    const observe = async (passThrough: boolean) => {
      fake = await startFakeUpstream();
      gw = await startGateway(() => upstream({ url: fake!.url }), {}, { passThrough });
      const client = await bearerClient(gw.endpoint, await gw.mint('dave', 'read write'));
      const seen = {
        version: client.getNegotiatedProtocolVersion(),
        server: client.getServerVersion(),
        capabilities: client.getServerCapabilities(),
        instructions: client.getInstructions(),
        tools: await client.listTools(),
        read: await client.callTool({ name: 'read_thing', arguments: {} }),
        broken: await client.callTool({ name: 'broken', arguments: {} }),
        unknown: await client.callTool({ name: 'nope', arguments: {} }).then(
          (r) => r,
          (e: Error & { code?: number }) => e.code,
        ),
        calls: gw.calls.map((c) => ({ tool: c.tool, outcome: c.outcome })),
      };
      await client.close();
      await gw.close();
      await fake.stop();
      gw = fake = undefined;
      return seen;
    };
    const sdk = await observe(false);
    const pass = await observe(true);
    expect(pass).toEqual(sdk);
    expect(pass.calls).toEqual([
      { tool: 'read_thing', outcome: 'success' },
      { tool: 'broken', outcome: 'tool_error' },
      { tool: 'nope', outcome: 'failure' },
    ]);
  });
});
