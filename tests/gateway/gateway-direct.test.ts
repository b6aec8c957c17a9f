import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectRoute } from '../../src/http/direct-route.js';
import { listen, type Listening } from '../../src/runtime/listen.js';
import { behindBodyParser } from '../helpers/body-parser-front.js';
import { rawRequest, type Lines } from '../helpers/direct-parity.js';
import { startFakeUpstream } from './fake-upstream.js';
import { startGateway, type RunningGateway } from './gateway-servers.js';
import { upstream } from './upstreams.js';

/**
 * A POST to a pass-through session is answered by node:http directly when the gateway listens
 * (mcp/direct-sessions.ts), and by the Hono route otherwise; anything a layer would refuse goes to the Hono app
 * from the direct route. Every answer must be the same on both: status, headers (security headers, CORS,
 * session id, content type and length), body, and what the gateway reports (calls, metrics), apart from what
 * differs per request (date, a generated request id).
 */

const VERSION = '2025-11-25';
const APP_ORIGIN = 'https://app.example';
/** Headers that differ per request or per connection, not per answer (the framing headers are compared here). */
const PER_REQUEST = new Set(['date', 'connection', 'keep-alive', 'x-request-id']);

interface Seen {
  status: number;
  headers: Record<string, string>;
  body: string;
  requestId: string | undefined;
}

/** A POST over the network with exactly these header lines and body; `chunked` sends it without Content-Length. */
async function rawPost(port: number, path: string, lines: Lines, body: string, chunked = false): Promise<Seen> {
  const framing: Lines = [chunked ? ['transfer-encoding', 'chunked'] : ['content-length', String(Buffer.byteLength(body))]];
  const { status, headers, text, requestId } = await rawRequest(port, path, 'POST', [...lines, ...framing], body, PER_REQUEST);
  return { status, headers, body: text, requestId };
}

const call = (name: string, id: number, extra: Record<string, unknown> = {}) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {}, ...extra } });

describe('gateway: a pass-through session POST answered directly by node:http matches the Hono route (RS-3 to RS-10, TR-2, TR-5)', () => {
  let fake: Awaited<ReturnType<typeof startFakeUpstream>>;
  let gw: RunningGateway;
  let direct: Listening;
  let viaApp: Listening;
  let answered = 0;
  let handedOn = 0;
  let token: string;
  let readOnly: string;
  let sid: string;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    gw = await startGateway(() => upstream({ url: fake.url }), {}, { corsOrigins: [APP_ORIGIN] });
    expect(gw.app.directRoutes.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /mcp', 'POST /mcp/v1']);
    // The same app twice: as listen() serves it (counting what the direct routes answer and hand on), and without them.
    const counted: DirectRoute[] = gw.app.directRoutes.map((r) => ({
      ...r,
      handle: (req, res, pass) => {
        const handled = r.handle(req, res, (body) => (handedOn++, pass(body)));
        if (handled !== false) answered++;
        return handled;
      },
    }));
    direct = await listen(gw.app.app, '127.0.0.1', 0, undefined, counted);
    viaApp = await listen(gw.app.app, '127.0.0.1', 0, undefined, []);
    token = await gw.mint('alice', 'read write');
    readOnly = await gw.mint('alice', 'read');
    const init = await fetch(gw.endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
    });
    await init.text();
    sid = init.headers.get('mcp-session-id')!;
    expect(sid).toBeTruthy();
  });
  afterAll(async () => {
    await direct?.close(0);
    await viaApp?.close(0);
    await gw?.close();
    await fake?.stop();
  });

  const lines = (bearer = token, more: Lines = []): Lines => [
    ['host', '127.0.0.1'],
    ['authorization', `Bearer ${bearer}`],
    ['content-type', 'application/json'],
    ['accept', 'application/json, text/event-stream'],
    ['mcp-session-id', sid],
    ['mcp-protocol-version', VERSION],
    ...more,
  ];

  /** The same request to both listeners: direct first, then the Hono route; and what the direct route did with it. */
  const both = async (l: Lines, body: string, opts: { path?: string; chunked?: boolean } = {}) => {
    const [a0, h0] = [answered, handedOn];
    const d = await rawPost(direct.port, opts.path ?? '/mcp', l, body, opts.chunked);
    const took = answered - a0 > handedOn - h0 ? 'direct' : 'app';
    const h = await rawPost(viaApp.port, opts.path ?? '/mcp', l, body, opts.chunked);
    return { d, h, took };
  };

  it('answers what the pass-through answers, as the Hono route does: JSON, streamed SSE, 202, errors, refusals of its own, another subject', async () => {
    const cases: Array<[string, Lines, string]> = [
      ['JSON result', lines(), call('write_thing', 2)],
      ['streamed SSE with progress', lines(), call('read_thing', 3, { _meta: { progressToken: 'p' } })],
      ['tool error', lines(), call('broken', 4)],
      ["upstream's JSON-RPC error", lines(), call('nope', 5)],
      ['method the gateway does not forward', lines(), JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'tasks/list' })],
      ['tools/list, rewritten', lines(), JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' })],
      ['notification: 202', lines(), JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 99 } })],
      ['allowed Origin: CORS', lines(token, [['origin', APP_ORIGIN]]), call('write_thing', 8)],
      ['own Origin', lines(token, [['origin', gw.mcpUrl]]), call('write_thing', 9)],
      ['read-only tool with a read token', lines(readOnly), call('read_thing', 10)],
      ['another subject: 404', lines(await gw.mint('bob', 'read write')), call('write_thing', 11)],
      ['the alias path', lines(), call('write_thing', 12)],
    ];
    for (const [name, l, body] of cases) {
      const { d, h, took } = await both(l, body, name === 'the alias path' ? { path: '/mcp/v1' } : {});
      expect({ name, took }).toEqual({ name, took: 'direct' });
      expect({ name, ...d, requestId: undefined }).toEqual({ name, ...h, requestId: undefined });
      expect(d.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    const [first, second] = [gw.calls.at(-4)!, gw.calls.at(-3)!];
    expect({ ...first, latencyMs: 0 }).toEqual({ ...second, latencyMs: 0 });

    // A request id the client sends is kept on both.
    const { d, h } = await both(lines(token, [['x-request-id', 'req-42']]), call('write_thing', 13));
    expect([d.requestId, h.requestId]).toEqual(['req-42', 'req-42']);
  });

  it('hands to the Hono app whatever a layer refuses or it does not take, with the same answer', async () => {
    const cases: Array<[string, Lines, string, { path?: string; chunked?: boolean }?]> = [
      ['insufficient scope: 403 step-up (RS-6), body read first', lines(readOnly), call('write_thing', 20)],
      ['body not JSON: 400', lines(), '{not json'],
      ['empty body: 400', lines(), ''],
      ['bad token: 401 (RS-4)', lines('not-a-token'), call('write_thing', 21)],
      ['Origin not allowed: 403 (TR-5)', lines(token, [['origin', 'https://evil.example']]), call('write_thing', 22)],
      ['Host not allowed: 403', lines(token).map(([n, v]) => (n === 'host' ? [n, 'evil.example'] : [n, v])) as Lines, call('write_thing', 23)],
      ['unknown session: 404 (TR-2)', lines(token).map(([n, v]) => (n === 'mcp-session-id' ? [n, 'no-such-session'] : [n, v])) as Lines, call('write_thing', 24)],
      ['DPoP scheme', lines(token).map(([n, v]) => (n === 'authorization' ? [n, `DPoP ${token}`] : [n, v])) as Lines, call('write_thing', 25)],
      ['no Authorization: 401 (RS-3)', lines(token).filter(([n]) => n !== 'authorization'), call('write_thing', 26)],
      ['chunked body', lines(), call('write_thing', 27), { chunked: true }],
      ['a query string', lines(), call('write_thing', 28), { path: '/mcp?x=1' }],
    ];
    for (const [name, l, body, opts] of cases) {
      const { d, h, took } = await both(l, body, opts);
      expect({ name, took }).toEqual({ name, took: 'app' });
      expect({ name, ...d, requestId: undefined }).toEqual({ name, ...h, requestId: undefined });
    }
    // The 403 is the route's step-up challenge, not the pass-through's own result.
    const { d } = await both(lines(readOnly), call('write_thing', 29));
    expect(d.status).toBe(403);
    expect(d.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
  });

  it('a body another layer already read (a body parser in front of `node`) is left to the app, which answers it', async () => {
    const { port, close } = await behindBodyParser(gw.app.node);
    try {
      const got = await rawPost(port, '/mcp', lines(), call('write_thing', 31));
      expect(got.status).toBe(200);
      expect(got.body).toContain('"id":31');
    } finally {
      await close();
    }
  });

  it('records each answered request as the Hono route does: the request metrics under the route /mcp', async () => {
    const count = async () => {
      const text = await (await fetch(`${gw.mcpUrl}/metrics`)).text();
      return Number(/http_requests_total\{route="\/mcp",method="POST",status="200"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const before = await count();
    const { took } = await both(lines(), call('write_thing', 30));
    expect(took).toBe('direct');
    expect(await count()).toBe(before + 2);
  });
});
