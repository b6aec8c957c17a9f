import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listen, type Listening } from '../../src/runtime/listen.js';
import { behindBodyParser } from '../helpers/body-parser-front.js';
import { bothPaths, countedRoutes, demoClientToken, demoItem, mintToken, rawPost, seen, type Lines, type Seen } from '../helpers/direct-parity.js';
import { dpopKey } from '../helpers/dpop.js';
import { startObservedServers, type ObservedServers } from '../helpers/observed-servers.js';

/**
 * A POST of the MCP endpoint is answered by node:http directly when it is a plain 2026-07-28 tools/call
 * (mcp/http/tools-call-route.ts, stateless/tools-call-answer.ts) and by the Hono app and the SDK's stateless entry under `app.request()`.
 * Every request shape must get the same status, headers and body bytes on both, apart from what differs per
 * request (date, request id); the shapes the direct route does not answer must reach the app unchanged.
 */

const APP_ORIGIN = 'https://app.example';
const MODERN = '2026-07-28';
const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'parity', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

/** A tools/call as a 2026-07-28 client sends it: the envelope in _meta, mirrored in the TR-8 headers. */
const call = (name: string, args: unknown, extra: { id?: unknown; meta?: unknown } = {}) =>
  JSON.stringify({ jsonrpc: '2.0', id: 'id' in extra ? extra.id : 7, method: 'tools/call', params: { name, arguments: args, _meta: 'meta' in extra ? extra.meta : ENVELOPE } });
const modernHeaders = (name: string): Lines => [
  ['content-type', 'application/json'],
  ['accept', 'application/json, text/event-stream'],
  ['mcp-protocol-version', MODERN],
  ['mcp-method', 'tools/call'],
  ['mcp-name', name],
];

describe('POST /mcp/v1 answered directly by node:http matches the Hono app and the SDK (TR-5, TR-8, RS-3 to RS-10)', () => {
  let s: ObservedServers;
  let direct: Listening;
  let counter: ReturnType<typeof countedRoutes>;
  let host: string;
  let token: string;
  let readOnly: string;
  let itemId: number;

  const mint = (claims: Record<string, unknown> = {}) => mintToken(s, claims);
  const tokenRequest = (scope = 'read write', dpop?: string) => demoClientToken(s, scope, dpop);

  beforeAll(async () => {
    s = await startObservedServers({ LOG_LEVEL: 'silent', CORS_ORIGINS: APP_ORIGIN });
    counter = countedRoutes(s.mcp.directRoutes);
    direct = await listen(s.mcp.app, '127.0.0.1', 0, undefined, counter.routes);
    host = `127.0.0.1:${direct.port}`;
    token = await tokenRequest();
    readOnly = await tokenRequest('read');
    itemId = await demoItem(s, host, token);
  });
  afterAll(async () => {
    await direct?.close(0);
    await s?.close();
  });

  /** The same request over the network and in process; says whether the direct route answered it itself. */
  const both = (lines: Lines | (() => Promise<Lines>), body: string, opts: { path?: string; host?: string; chunked?: boolean } = {}) =>
    bothPaths({ port: direct.port, host, app: s.mcp.app, counter }, lines, body, opts);
  const bearer = (name: string, t: () => string = () => token, more: Lines = []) => async (): Promise<Lines> => [...modernHeaders(name), ['authorization', `Bearer ${t()}`], ...more];

  it.each<[string, () => Promise<Lines>, () => string]>([
    ['get_data', bearer('get_data'), () => call('get_data', {})],
    ['arguments the schema strips', bearer('get_data'), () => call('get_data', { page: 2 })],
    ['no arguments at all', bearer('get_data'), () => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_data', _meta: ENVELOPE } })],
    ['a string id', bearer('get_data'), () => call('get_data', {}, { id: 'req-1' })],
    ['the caller as the tool sees it', bearer('oauth_authenticate'), () => call('oauth_authenticate', {})],
    ['the profile', bearer('get_user_profile'), () => call('get_user_profile', {})],
    ['an update with structured output', bearer('update_data'), () => call('update_data', { item_id: itemId, name: 'first', value: 1 })],
    ['a tool error (isError): no such item', bearer('delete_data'), () => call('delete_data', { item_id: 999999 })],
    ['no clientInfo in the envelope', bearer('get_data'), () => call('get_data', {}, { meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {} } })],
    ['the allowlisted Origin: CORS headers (RS-10)', bearer('get_data', () => token, [['origin', APP_ORIGIN]]), () => call('get_data', {})],
    ['the server\'s own Origin', async () => [...modernHeaders('get_data'), ['authorization', `Bearer ${token}`], ['origin', s.mcpUrl]], () => call('get_data', {})],
    ['the scheme in lower case', async () => [...modernHeaders('get_data'), ['authorization', `bearer ${token}`]], () => call('get_data', {})],
    ['content-type with a charset', async () => [...modernHeaders('get_data').filter(([n]) => n !== 'content-type'), ['content-type', 'application/json; charset=utf-8'], ['authorization', `Bearer ${token}`]], () => call('get_data', {})],
  ])('answered directly: %s', async (_name, lines, body) => {
    const [overNetwork, inProcess, answeredDirectly] = await both(lines, body());
    expect(answeredDirectly).toBe(true);
    expect(overNetwork.status).toBe(200);
    expect(overNetwork).toEqual(inProcess);
    expect(overNetwork.headers['content-type']).toBe('application/json');
  });

  it.each<[string, () => Promise<Lines>, () => string, number]>([
    ['a scope the token lacks: 403 insufficient_scope (RS-6)', bearer('create_data', () => readOnly), () => call('create_data', { name: 'x', value: 1 }), 403],
    ['a token that is not a JWT: 401 invalid_token (RS-4)', bearer('get_data', () => 'abc.def.ghi'), () => call('get_data', {}), 401],
    ['an expired token', async () => [...modernHeaders('get_data'), ['authorization', `Bearer ${await mint({ iat: s.clock() - 7200, exp: s.clock() - 3600 })}`]], () => call('get_data', {}), 401],
    ['a token for another resource (RS-5)', async () => [...modernHeaders('get_data'), ['authorization', `Bearer ${await mint({ aud: 'https://elsewhere.example/mcp' })}`]], () => call('get_data', {}), 401],
    ['a malformed Authorization header (RS-9)', bearer('get_data', () => 'a b'), () => call('get_data', {}), 400],
    ['two Authorization lines: 400, as Headers joins them', async () => [...modernHeaders('get_data'), ['authorization', `Bearer ${token}`], ['authorization', `Bearer ${token}`]], () => call('get_data', {}), 400],
    ['another scheme after Bearer in one header', bearer('get_data', () => `${token} extra`), () => call('get_data', {}), 400],
  ])('refused directly, as the app refuses: %s', async (_name, lines, body, status) => {
    const [overNetwork, inProcess, answeredDirectly] = await both(lines, body());
    expect(answeredDirectly).toBe(true);
    expect(overNetwork.status).toBe(status);
    expect(overNetwork).toEqual(inProcess);
    expect(overNetwork.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it.each<[string, () => Promise<Lines>, () => string, number, { path?: string; host?: string; chunked?: boolean }?]>([
    ['an unknown tool: the SDK\'s error', bearer('no_such_tool'), () => call('no_such_tool', {}), 200],
    ['arguments the schema refuses', bearer('create_data'), () => call('create_data', { name: 'x', value: 'not a number' }), 200],
    ['missing required arguments', bearer('update_data'), () => call('update_data', {}), 200],
    ['arguments that are not an object', bearer('get_data'), () => call('get_data', [1, 2]), 200],
    ['no token: 401 (RS-3)', async () => modernHeaders('get_data'), () => call('get_data', {}), 401],
    ['a token in the query (RS-7)', bearer('get_data'), () => call('get_data', {}), 400, { path: '/mcp/v1?access_token=x' }],
    ['a foreign Origin: 403 (TR-5)', bearer('get_data', () => token, [['origin', 'https://evil.example']]), () => call('get_data', {}), 403],
    ['a foreign Host on a loopback bind: 403', bearer('get_data'), () => call('get_data', {}), 403, { host: 'evil.example' }],
    ['a 2025-era protocol version header', async () => [...modernHeaders('get_data').filter(([n]) => n !== 'mcp-protocol-version'), ['mcp-protocol-version', '2025-11-25'], ['authorization', `Bearer ${token}`]], () => call('get_data', {}), 400],
    ['an unsupported revision in the envelope', bearer('get_data'), () => call('get_data', {}, { meta: { ...ENVELOPE, 'io.modelcontextprotocol/protocolVersion': '2027-01-01' } }), 400],
    ['Mcp-Name naming another tool than the body', bearer('get_user_profile'), () => call('get_data', {}), 400],
    ['no Mcp-Name header', async () => [...modernHeaders('get_data').filter(([n]) => n !== 'mcp-name'), ['authorization', `Bearer ${token}`]], () => call('get_data', {}), 400],
    ['an envelope without capabilities', bearer('get_data'), () => call('get_data', {}, { meta: { 'io.modelcontextprotocol/protocolVersion': MODERN } }), 400],
    ['a malformed clientInfo', bearer('get_data'), () => call('get_data', {}, { meta: { ...ENVELOPE, 'io.modelcontextprotocol/clientInfo': 'me' } }), 400],
    ['extra _meta keys (a progress token)', bearer('get_data'), () => call('get_data', {}, { meta: { ...ENVELOPE, progressToken: 1 } }), 200],
    ['a notification (no id)', bearer('get_data'), () => JSON.stringify({ jsonrpc: '2.0', method: 'tools/call', params: { name: 'get_data', _meta: ENVELOPE } }), 202],
    ['a chunked body without Content-Length', bearer('get_data'), () => call('get_data', {}), 200, { chunked: true }],
    ['a batch', bearer('get_data'), () => `[${call('get_data', {})}]`, 400],
    ['tools/list', async () => [...modernHeaders('').filter(([n]) => n !== 'mcp-method' && n !== 'mcp-name'), ['mcp-method', 'tools/list'], ['authorization', `Bearer ${token}`]], () => JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list', params: { _meta: ENVELOPE } }), 200],
    ['a wrong Content-Type: 415', async () => [...modernHeaders('get_data').filter(([n]) => n !== 'content-type'), ['content-type', 'text/plain'], ['authorization', `Bearer ${token}`]], () => call('get_data', {}), 415],
    ['malformed JSON', bearer('get_data'), () => '{"jsonrpc": "2.0", "id": 1, "method": "tools/call",', 400],
    ['an empty body', bearer('get_data'), () => '', 400],
    ['a large body (left to the app, which answers it)', bearer('get_data'), () => call('get_data', { pad: 'x'.repeat(100_000) }), 200],
    ['a body over the 1 MiB limit: 413', bearer('get_data'), () => call('get_data', { pad: 'x'.repeat(1_100_000) }), 413],
    ['a session id (2025-era)', bearer('get_data', () => token, [['mcp-session-id', 'no-such-session']]), () => call('get_data', {}), 404],
  ])('left to the app: %s', async (_name, lines, body, status, opts) => {
    const [overNetwork, inProcess, answeredDirectly] = await both(lines, body(), opts);
    expect(answeredDirectly).toBe(false);
    expect(overNetwork.status).toBe(status);
    expect(overNetwork).toEqual(inProcess);
  });

  it('the answer is the tool\'s result with the 2026-07-28 fields, and the CORS headers are the app\'s', async () => {
    const [ok] = await both(bearer('get_data', () => token, [['origin', APP_ORIGIN]]), call('get_data', {}));
    const answer = JSON.parse(ok.text) as { result: Record<string, unknown>; id: number };
    expect(answer.id).toBe(7);
    expect(answer.result).toMatchObject({ resultType: 'complete', structuredContent: { count: 1 }, _meta: { 'io.modelcontextprotocol/serverInfo': { name: expect.any(String) } } });
    expect(ok.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    // The app runs its CORS layer once per request (mcp/app.ts): one Vary: Origin.
    expect(ok.headers.vary).toBe('Origin');
  });

  it('a tool that creates runs once, and answers as the SDK does', async () => {
    const before = (await s.store.listItems('demo_client')).length;
    const lines = await bearer('create_data')();
    const direct1 = await rawPost(direct.port, '/mcp/v1', [['host', host], ...lines], call('create_data', { name: 'made', value: 5 }));
    const hono = await seen(await s.mcp.app.request('/mcp/v1', { method: 'POST', headers: [['host', host], ...lines], body: call('create_data', { name: 'made', value: 5 }) }));
    expect((await s.store.listItems('demo_client')).length).toBe(before + 2);
    // The same bytes apart from the new item's id.
    const first = JSON.parse(direct1.text) as { result: { structuredContent: { item: { id: number } } } };
    const second = JSON.parse(hono.text) as { result: { structuredContent: { item: { id: number } } } };
    const [a, b] = [first.result.structuredContent.item.id, second.result.structuredContent.item.id];
    expect(b).toBe(a + 1);
    expect(direct1.text.replaceAll(`#${a} `, '#N ').replaceAll(`"id":${a},`, '"id":N,')).toBe(hono.text.replaceAll(`#${b} `, '#N ').replaceAll(`"id":${b},`, '"id":N,'));
  });

  describe('DPoP (RFC 9449 §7): the proof is checked once, by the direct route', () => {
    let key: Awaited<ReturnType<typeof dpopKey>>;
    let bound: string;
    beforeAll(async () => {
      key = await dpopKey();
      bound = await tokenRequest('read write', await key.proof('POST', `${s.issuer}/oauth/token`, { iat: s.clock() }));
    });
    const proof = (method = 'POST', path = '/mcp/v1', accessToken = () => bound) => key.proof(method, `${s.mcpUrl}${path}`, { iat: s.clock(), accessToken: accessToken() });
    const dpop = (name: string, p: () => Promise<string> = () => proof()) => async (): Promise<Lines> => [...modernHeaders(name), ['authorization', `DPoP ${bound}`], ['dpop', await p()]];

    it.each<[string, () => Promise<Lines>, () => string, number, boolean]>([
      ['a valid proof', dpop('get_data'), () => call('get_data', {}), 200, true],
      ['no proof', async () => [...modernHeaders('get_data'), ['authorization', `DPoP ${bound}`]], () => call('get_data', {}), 401, true],
      ['a proof for another path', dpop('get_data', () => proof('POST', '/api/data')), () => call('get_data', {}), 401, true],
      ['a proof for another method', dpop('get_data', () => proof('GET')), () => call('get_data', {}), 401, true],
      ['a bound token sent as Bearer', async () => [...modernHeaders('get_data'), ['authorization', `Bearer ${bound}`]], () => call('get_data', {}), 401, true],
      ['a bearer token sent as DPoP', async () => [...modernHeaders('get_data'), ['authorization', `DPoP ${token}`], ['dpop', await proof('POST', '/mcp/v1', () => token)]], () => call('get_data', {}), 401, true],
      ['a valid proof, a tool that writes (create_data)', dpop('create_data'), () => call('create_data', { name: 'dpop', value: 2 }), 200, true],
      ['a valid proof, an unknown tool: left to the app', dpop('no_such_tool'), () => call('no_such_tool', {}), 200, false],
      ['a valid proof, arguments the schema refuses: left to the app', dpop('create_data'), () => call('create_data', { value: 'x' }), 200, false],
    ])('%s', async (name, lines, body, status, directly) => {
      // Each side gets its own proof: a proof is single-use.
      const [overNetwork, inProcess, answeredDirectly] = await both(lines, body());
      expect(answeredDirectly).toBe(directly);
      expect(overNetwork.status).toBe(status);
      if (name.includes('create_data')) {
        // Two items were made; the answers differ by the new item's id only.
        expect(overNetwork.text.replace(/\d+/g, 'N')).toBe(inProcess.text.replace(/\d+/g, 'N'));
        expect(overNetwork.headers).toEqual(inProcess.headers);
      } else {
        expect(overNetwork).toEqual(inProcess);
      }
    });

    it('a replayed proof is refused', async () => {
      const once = await proof();
      const lines: Lines = [['host', host], ...modernHeaders('get_data'), ['authorization', `DPoP ${bound}`], ['dpop', once]];
      const first = await rawPost(direct.port, '/mcp/v1', lines, call('get_data', {}));
      expect(first.status).toBe(200);
      const again = await rawPost(direct.port, '/mcp/v1', lines, call('get_data', {}));
      expect(again.status).toBe(401);
      expect(JSON.parse(again.text)).toMatchObject({ error: 'invalid_dpop_proof' });
      const inProcess = await seen(await s.mcp.app.request('/mcp/v1', { method: 'POST', headers: lines, body: call('get_data', {}) }));
      const { requestId: _id, ...replayed } = again;
      expect(replayed).toEqual(inProcess);
    });
  });

  it('a tool that throws: the SDK\'s tool error on both', async () => {
    const spy = vi.spyOn(s.store, 'listItems').mockRejectedValue(new Error('database is gone'));
    try {
      const [overNetwork, inProcess, answeredDirectly] = await both(bearer('get_data'), call('get_data', {}));
      expect(answeredDirectly).toBe(true);
      expect(overNetwork).toEqual(inProcess);
    } finally {
      spy.mockRestore();
    }
  });

  it('a body another layer already read (a body parser in front of `node`) is left to the app, which answers it', async () => {
    const { port, close } = await behindBodyParser(s.mcp.node);
    try {
      const got = await rawPost(port, '/mcp/v1', [['host', `127.0.0.1:${port}`], ...(await bearer('get_data')())], call('get_data', {}));
      expect(got.status).toBe(200);
      expect(JSON.parse(got.text)).toMatchObject({ result: { structuredContent: { count: expect.any(Number) } } });
    } finally {
      await close();
    }
  });

  it('keeps a safe X-Request-Id and counts its answers in the metrics like the app', async () => {
    const kept = await rawPost(direct.port, '/mcp/v1', [['host', host], ...(await bearer('get_data')()), ['x-request-id', 'trace-7']], call('get_data', {}));
    expect(kept.requestId).toBe('trace-7');
    const refused = await rawPost(direct.port, '/mcp/v1', [['host', host], ...(await bearer('get_data', () => 'abc.def.ghi')())], call('get_data', {}));
    expect(refused.status).toBe(401);
    const metrics = await (await s.mcp.app.request('/metrics', { headers: { host } })).text();
    expect(metrics).toMatch(/http_requests_total\{[^}]*route="\/mcp\/v1"[^}]*method="POST"[^}]*status="200"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/http_requests_total\{[^}]*route="\/mcp\/v1"[^}]*method="POST"[^}]*status="401"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/auth_failures_total\{[^}]*endpoint="mcp"[^}]*reason="invalid_token:malformed_token"[^}]*\} [1-9]/);
  });
});

describe('the direct stateless route records the caller\'s flow and logs one line per request', () => {
  it('a first tools/call with a verified token is the flow\'s mcp_connected step; the request line carries the ids', async () => {
    const s = await startObservedServers({});
    const direct = await listen(s.mcp.app, '127.0.0.1', 0, undefined, s.mcp.directRoutes);
    try {
      const res = await fetch(`${s.issuer}/oauth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('demo_client:demo_secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read', resource: `${s.mcpUrl}/mcp/v1` }).toString(),
      });
      const { access_token: accessToken } = (await res.json()) as { access_token: string };
      const got = await fetch(`http://127.0.0.1:${direct.port}/mcp/v1`, {
        method: 'POST',
        headers: { ...Object.fromEntries(modernHeaders('get_data')), authorization: `Bearer ${accessToken}`, 'x-request-id': 'flow-test-2' },
        body: call('get_data', {}),
      });
      expect(got.status).toBe(200);
      await s.mcp.close();
      const events = await s.store.listAuditEvents({ clientId: 'demo_client', limit: 50 });
      expect(events.find((e) => e.type === 'mcp_connected')?.detail).toContain('/mcp/v1');
      const line = s.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request' && l.reqId === 'flow-test-2');
      expect(line).toMatchObject({ method: 'POST', path: '/mcp/v1', route: '/mcp/v1', status: 200, reqId: 'flow-test-2', clientId: 'demo_client' });
      expect(line?.flowId).toEqual(expect.any(String));
    } finally {
      await direct.close(0);
      await s.close();
    }
  });
});

describe('with DPOP_REQUIRE_NONCE=true the direct stateless route asks for the nonce as the app does (RFC 9449 §9)', () => {
  it('a proof without a nonce: 401 use_dpop_nonce with a DPoP-Nonce; with it: 200', async () => {
    const s = await startObservedServers({ LOG_LEVEL: 'silent', DPOP_REQUIRE_NONCE: 'true' });
    const direct = await listen(s.mcp.app, '127.0.0.1', 0, undefined, s.mcp.directRoutes);
    try {
      const key = await dpopKey();
      const tokenUrl = `${s.issuer}/oauth/token`;
      const basic = `Basic ${Buffer.from('demo_client:demo_secret').toString('base64')}`;
      const ask = (proof: string) =>
        fetch(tokenUrl, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', dpop: proof }, body: 'grant_type=client_credentials&scope=read' });
      const first = await ask(await key.proof('POST', tokenUrl, { iat: s.clock() }));
      const asNonce = first.headers.get('dpop-nonce')!;
      const bound = ((await (await ask(await key.proof('POST', tokenUrl, { iat: s.clock(), nonce: asNonce }))).json()) as { access_token: string }).access_token;
      const host = `127.0.0.1:${direct.port}`;
      const send = async (nonce?: string): Promise<[Seen, Seen]> => {
        const lines = async (): Promise<Lines> => [
          ...modernHeaders('get_data'),
          ['authorization', `DPoP ${bound}`],
          ['dpop', await key.proof('POST', `${s.mcpUrl}/mcp/v1`, { iat: s.clock(), accessToken: bound, ...(nonce && { nonce }) })],
        ];
        const { requestId: _id, ...overNetwork } = await rawPost(direct.port, '/mcp/v1', [['host', host], ...(await lines())], call('get_data', {}));
        const inProcess = await seen(await s.mcp.app.request('/mcp/v1', { method: 'POST', headers: [['host', host], ...(await lines())], body: call('get_data', {}) }));
        return [overNetwork, inProcess];
      };
      const [refused, refusedHono] = await send();
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.text)).toMatchObject({ error: 'use_dpop_nonce' });
      expect(refused.headers['dpop-nonce']).toEqual(expect.any(String));
      expect(refused).toEqual(refusedHono);
      const [ok, okHono] = await send(refused.headers['dpop-nonce']);
      expect(ok.status).toBe(200);
      expect(ok).toEqual(okHono);
    } finally {
      await direct.close(0);
      await s.close();
    }
  });
});
