import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StreamableSessions } from '../../src/mcp/sessions/streamable-sessions.js';
import { listen, type Listening } from '../../src/runtime/listen.js';
import { behindBodyParser } from '../helpers/body-parser-front.js';
import { bothPaths, countedRoutes, demoClientToken, demoItem, mintToken, rawPost, seen, type Lines, type Seen } from '../helpers/direct-parity.js';
import { dpopKey } from '../helpers/dpop.js';
import { startObservedServers, type ObservedServers } from '../helpers/observed-servers.js';

/**
 * A tools/call on an open 2025-era session is answered by node:http directly when it is a plain one
 * (mcp/sessions/session-tool-calls.ts) and by the Hono app, the session's SDK transport and McpServer under
 * `app.request()`. Both reach the same sessions, so every request shape must get the same status, headers and
 * body bytes on both, apart from what differs per request (date, request id); the shapes the direct route does
 * not answer must reach the app unchanged.
 */

const APP_ORIGIN = 'https://app.example';
const LEGACY = '2025-11-25';

/** A tools/call as a 2025-era client sends it in a session. */
const call = (name: string, args: unknown, extra: { id?: unknown; params?: Record<string, unknown> } = {}) =>
  JSON.stringify({ jsonrpc: '2.0', id: 'id' in extra ? extra.id : 7, method: 'tools/call', params: { name, arguments: args, ...extra.params } });
const baseHeaders: Lines = [
  ['content-type', 'application/json'],
  ['accept', 'application/json, text/event-stream'],
];

describe('a tools/call on a 2025-11-25 session answered directly by node:http matches the Hono app and the SDK (TR-2, TR-5, RS-3 to RS-10)', () => {
  let s: ObservedServers;
  let direct: Listening;
  let counter: ReturnType<typeof countedRoutes>;
  let host: string;
  let token: string;
  let readOnly: string;
  let otherUser: string;
  let itemId: number;
  /** The session `token`'s subject opened (2025-11-25), and one opened with 2025-06-18. */
  let session: string;
  let olderSession: string;

  const mint = (claims: Record<string, unknown> = {}) => mintToken(s, claims);
  const tokenRequest = (scope = 'read write', dpop?: string) => demoClientToken(s, scope, dpop);

  /** initialize and notifications/initialized through the app; the session id. */
  const open = async (authorization: string, version = LEGACY, dpop?: () => Promise<string>): Promise<string> => {
    const headers = async () => [['host', host], ...baseHeaders, ['authorization', authorization], ...(dpop ? [['dpop', await dpop()]] : [])] as Lines;
    const init = await s.mcp.app.request('/mcp/v1', {
      method: 'POST',
      headers: await headers(),
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'parity', version: '1' } } }),
    });
    expect(init.status).toBe(200);
    const id = init.headers.get('mcp-session-id')!;
    const ack = await s.mcp.app.request('/mcp/v1', {
      method: 'POST',
      headers: [...(await headers()), ['mcp-session-id', id], ['mcp-protocol-version', version]],
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    });
    expect(ack.status).toBe(202);
    return id;
  };

  beforeAll(async () => {
    s = await startObservedServers({ LOG_LEVEL: 'silent', CORS_ORIGINS: APP_ORIGIN });
    counter = countedRoutes(s.mcp.directRoutes);
    direct = await listen(s.mcp.app, '127.0.0.1', 0, undefined, counter.routes);
    host = `127.0.0.1:${direct.port}`;
    token = await tokenRequest();
    readOnly = await tokenRequest('read');
    otherUser = await mint();
    session = await open(`Bearer ${token}`);
    olderSession = await open(`Bearer ${token}`, '2025-06-18');
    itemId = await demoItem(s, host, token);
  });
  afterAll(async () => {
    await direct?.close(0);
    await s?.close();
  });

  /** The same request over the network and in process; says whether the direct route answered it itself. */
  const both = (lines: Lines | (() => Promise<Lines>), body: string, opts: { path?: string; host?: string; chunked?: boolean } = {}) =>
    bothPaths({ port: direct.port, host, app: s.mcp.app, counter }, lines, body, opts);
  /** A session request's header lines: the negotiated version header and the session id unless replaced in `over`. */
  const sessionLines =
    (t: () => string = () => token, overLines: Lines | (() => Lines) = [], without: string[] = []) =>
    async (): Promise<Lines> => {
      const over = typeof overLines === 'function' ? overLines() : overLines;
      const replaced = new Set([...over.map(([n]) => n), ...without]);
      const lines: Lines = [...baseHeaders, ['mcp-protocol-version', LEGACY], ['mcp-session-id', session], ['authorization', `Bearer ${t()}`]];
      return [...lines.filter(([n]) => !replaced.has(n)), ...over];
    };

  it.each<[string, () => Promise<Lines>, () => string]>([
    ['get_data', sessionLines(), () => call('get_data', {})],
    ['no Mcp-Protocol-Version header (the negotiated one)', sessionLines(() => token, [], ['mcp-protocol-version']), () => call('get_data', {})],
    ['another supported version header', sessionLines(() => token, [['mcp-protocol-version', '2025-06-18']]), () => call('get_data', {})],
    ['arguments the schema strips', sessionLines(), () => call('get_data', { page: 2 })],
    ['no arguments at all', sessionLines(), () => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_data' } })],
    ['a string id', sessionLines(), () => call('get_data', {}, { id: 'req-1' })],
    ['id 0', sessionLines(), () => call('get_data', {}, { id: 0 })],
    ['the caller as the tool sees it', sessionLines(), () => call('oauth_authenticate', {})],
    ['the profile', sessionLines(), () => call('get_user_profile', {})],
    ['an update with structured output', sessionLines(), () => call('update_data', { item_id: itemId, name: 'first', value: 1 })],
    ['a tool error (isError): no such item', sessionLines(), () => call('delete_data', { item_id: 999999 })],
    ['the allowlisted Origin: CORS headers (RS-10)', sessionLines(() => token, [['origin', APP_ORIGIN]]), () => call('get_data', {})],
    ["the server's own Origin", async () => [...(await sessionLines()()), ['origin', s.mcpUrl]], () => call('get_data', {})],
    ['the scheme in lower case', sessionLines(() => token, () => [['authorization', `bearer ${token}`]]), () => call('get_data', {})],
    ['content-type with a charset', sessionLines(() => token, [['content-type', 'application/json; charset=utf-8']]), () => call('get_data', {})],
    ['Accept in the other order', sessionLines(() => token, [['accept', 'text/event-stream, application/json']]), () => call('get_data', {})],
    ['Accept on two lines', sessionLines(() => token, [['accept', 'application/json'], ['accept', 'text/event-stream']]), () => call('get_data', {})],
  ])('answered directly: %s', async (_name, lines, body) => {
    const [overNetwork, inProcess, answeredDirectly] = await both(lines, body());
    expect(answeredDirectly).toBe(true);
    expect(overNetwork.status).toBe(200);
    expect(overNetwork).toEqual(inProcess);
    expect(overNetwork.headers['content-type']).toBe('application/json');
    expect(overNetwork.headers['mcp-session-id']).toBe(session);
  });

  it.each<[string, () => Promise<Lines>, () => string, number]>([
    ['a scope the token lacks: 403 insufficient_scope (RS-6)', sessionLines(() => readOnly), () => call('create_data', { name: 'x', value: 1 }), 403],
    ['a token that is not a JWT: 401 invalid_token (RS-4)', sessionLines(() => 'abc.def.ghi'), () => call('get_data', {}), 401],
    ['an expired token', async () => sessionLines(() => '', [['authorization', `Bearer ${await mint({ sub: 'demo_client', iat: s.clock() - 7200, exp: s.clock() - 3600 })}`]])(), () => call('get_data', {}), 401],
    ['a token for another resource (RS-5)', async () => sessionLines(() => '', [['authorization', `Bearer ${await mint({ aud: 'https://elsewhere.example/mcp' })}`]])(), () => call('get_data', {}), 401],
    ['a malformed Authorization header (RS-9)', sessionLines(() => 'a b'), () => call('get_data', {}), 400],
    ['two Authorization lines: 400, as Headers joins them', async () => [...(await sessionLines()()), ['authorization', `Bearer ${token}`]], () => call('get_data', {}), 400],
    ['the session of another subject: 404 as an unknown one (ids cannot be probed)', sessionLines(() => otherUser), () => call('get_data', {}), 404],
    ['the session of another subject, a scope the token lacks: 403 first, as on the app', async () => sessionLines(() => '', [['authorization', `Bearer ${await mint({ scope: 'read' })}`]])(), () => call('create_data', { name: 'x', value: 1 }), 403],
  ])('refused directly, as the app refuses: %s', async (_name, lines, body, status) => {
    const [overNetwork, inProcess, answeredDirectly] = await both(lines, body());
    expect(answeredDirectly).toBe(true);
    expect(overNetwork.status).toBe(status);
    expect(overNetwork).toEqual(inProcess);
  });

  it.each<[string, () => Promise<Lines>, () => string, number, { path?: string; host?: string; chunked?: boolean }?]>([
    ['an unknown session id: 404', sessionLines(() => token, [['mcp-session-id', 'no-such-session']]), () => call('get_data', {}), 404],
    ['a session that negotiated 2025-06-18', sessionLines(() => token, () => [['mcp-session-id', olderSession], ['mcp-protocol-version', '2025-06-18']]), () => call('get_data', {}), 200],
    ['an unsupported protocol version header: 400', sessionLines(() => token, [['mcp-protocol-version', '2099-01-01']]), () => call('get_data', {}), 400],
    ['the stateless revision in the header', sessionLines(() => token, [['mcp-protocol-version', '2026-07-28']]), () => call('get_data', {}), 400],
    ['an unknown tool', sessionLines(), () => call('no_such_tool', {}), 200],
    ['arguments the schema refuses', sessionLines(), () => call('create_data', { name: 'x', value: 'not a number' }), 200],
    ['missing required arguments', sessionLines(), () => call('update_data', {}), 200],
    ['arguments that are not an object', sessionLines(), () => call('get_data', [1, 2]), 200],
    ['a progress token in _meta', sessionLines(), () => call('get_data', {}, { params: { _meta: { progressToken: 1 } } }), 200],
    ['a task-augmented call', sessionLines(), () => call('get_data', {}, { params: { task: { ttl: 1000 } } }), 200],
    ['a fractional id', sessionLines(), () => call('get_data', {}, { id: 1.5 }), 400],
    ['a null id', sessionLines(), () => call('get_data', {}, { id: null }), 400],
    ['jsonrpc 1.0', sessionLines(), () => JSON.stringify({ jsonrpc: '1.0', id: 1, method: 'tools/call', params: { name: 'get_data', arguments: {} } }), 400],
    ['a notification (no id)', sessionLines(), () => JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 99 } }), 202],
    ['a batch', sessionLines(), () => `[${call('get_data', {})}]`, 200],
    ['tools/list', sessionLines(), () => JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' }), 200],
    ['initialize again: 400', sessionLines(), () => JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: LEGACY, capabilities: {}, clientInfo: { name: 'x', version: '1' } } }), 400],
    ['Accept without text/event-stream: 406', sessionLines(() => token, [['accept', 'application/json']]), () => call('get_data', {}), 406],
    ['a wrong Content-Type: 415', sessionLines(() => token, [['content-type', 'text/plain']]), () => call('get_data', {}), 415],
    ['malformed JSON', sessionLines(), () => '{"jsonrpc": "2.0", "id": 1, "method": "tools/call",', 400],
    ['an empty body', sessionLines(), () => '', 400],
    ['a chunked body without Content-Length', sessionLines(), () => call('get_data', {}), 200, { chunked: true }],
    ['a large body (left to the app, which answers it)', sessionLines(), () => call('get_data', { pad: 'x'.repeat(100_000) }), 200],
    ['no token: 401 (RS-3)', sessionLines(() => token, [], ['authorization']), () => call('get_data', {}), 401],
    ['a token in the query (RS-7)', sessionLines(), () => call('get_data', {}), 400, { path: '/mcp/v1?access_token=x' }],
    ['a foreign Origin: 403 (TR-5)', sessionLines(() => token, [['origin', 'https://evil.example']]), () => call('get_data', {}), 403],
    ['a foreign Host on a loopback bind: 403', sessionLines(), () => call('get_data', {}), 403, { host: 'evil.example' }],
  ])('left to the app: %s', async (_name, lines, body, status, opts) => {
    const [overNetwork, inProcess, answeredDirectly] = await both(lines, body(), opts);
    expect(answeredDirectly).toBe(false);
    expect(overNetwork.status).toBe(status);
    expect(overNetwork).toEqual(inProcess);
  });

  it('the answer is the 2025-era tool result (no resultType, no server _meta) and the CORS headers are the app\'s', async () => {
    const [ok] = await both(sessionLines(() => token, [['origin', APP_ORIGIN]]), call('get_data', {}));
    const answer = JSON.parse(ok.text) as { result: Record<string, unknown>; id: number };
    expect(answer.id).toBe(7);
    expect(answer.result).toMatchObject({ structuredContent: { count: 1 } });
    expect(answer.result).not.toHaveProperty('resultType');
    expect(answer.result).not.toHaveProperty('_meta');
    expect(ok.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(ok.headers.vary).toBe('Origin');
  });

  it('a tool that creates runs once, and answers as the SDK does', async () => {
    const before = (await s.store.listItems('demo_client')).length;
    const [overNetwork, inProcess, answeredDirectly] = await both(sessionLines(), call('create_data', { name: 'made', value: 5 }));
    expect(answeredDirectly).toBe(true);
    expect((await s.store.listItems('demo_client')).length).toBe(before + 2);
    expect(overNetwork.headers).toEqual(inProcess.headers);
    expect(overNetwork.text.replace(/\d+/g, 'N')).toBe(inProcess.text.replace(/\d+/g, 'N'));
  });

  it("a tool that throws: the SDK's tool error on both", async () => {
    const spy = vi.spyOn(s.store, 'listItems').mockRejectedValue(new Error('database is gone'));
    try {
      const [overNetwork, inProcess, answeredDirectly] = await both(sessionLines(), call('get_data', {}));
      expect(answeredDirectly).toBe(true);
      expect(overNetwork).toEqual(inProcess);
    } finally {
      spy.mockRestore();
    }
  });

  it('a direct call restarts the session\'s idle clock, as the SDK path does; an idle session is swept and then not found', async () => {
    const sessions = s.mcp.runtime.sessions;
    expect(sessions).toBeInstanceOf(StreamableSessions);
    const id = await open(`Bearer ${token}`);
    // The sessions' own record of the last request (StreamableSessions.touch), set far back.
    const record = () => (sessions as unknown as { sessions: Map<string, { lastSeen: number }> }).sessions.get(id);
    const lines = sessionLines(() => token, [['mcp-session-id', id]]);
    record()!.lastSeen = 0;
    const a0 = counter.answered();
    const kept = await rawPost(direct.port, '/mcp/v1', [['host', host], ...(await lines())], call('get_data', {}));
    expect(kept.status).toBe(200);
    expect(counter.answered() - a0).toBe(1);
    await sessions.sweep();
    expect(record()).toBeDefined();
    record()!.lastSeen = 0;
    await sessions.sweep();
    expect(record()).toBeUndefined();
    const [overNetwork, inProcess, answeredDirectly] = await both(lines, call('get_data', {}));
    expect(answeredDirectly).toBe(false);
    expect(overNetwork.status).toBe(404);
    expect(overNetwork).toEqual(inProcess);
  });

  it('a body another layer already read (a body parser in front of `node`) is left to the app, which answers it', async () => {
    const { port, close } = await behindBodyParser(s.mcp.node);
    try {
      const got = await rawPost(port, '/mcp/v1', [['host', `127.0.0.1:${port}`], ...(await sessionLines()())], call('get_data', {}));
      expect(got.status).toBe(200);
      expect(JSON.parse(got.text)).toMatchObject({ result: { structuredContent: { count: expect.any(Number) } } });
    } finally {
      await close();
    }
  });

  it('keeps a safe X-Request-Id and counts its answers in the metrics like the app', async () => {
    const kept = await rawPost(direct.port, '/mcp/v1', [['host', host], ...(await sessionLines()()), ['x-request-id', 'trace-session-7']], call('get_data', {}));
    expect(kept.requestId).toBe('trace-session-7');
    const refused = await rawPost(direct.port, '/mcp/v1', [['host', host], ...(await sessionLines(() => 'abc.def.ghi')())], call('get_data', {}));
    expect(refused.status).toBe(401);
    const metrics = await (await s.mcp.app.request('/metrics', { headers: { host } })).text();
    expect(metrics).toMatch(/http_requests_total\{[^}]*route="\/mcp\/v1"[^}]*method="POST"[^}]*status="200"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/auth_failures_total\{[^}]*endpoint="mcp"[^}]*reason="invalid_token:malformed_token"[^}]*\} [1-9]/);
  });

  describe('DPoP (RFC 9449 §7): the proof is checked once, by the direct route', () => {
    let key: Awaited<ReturnType<typeof dpopKey>>;
    let bound: string;
    let boundSession: string;
    beforeAll(async () => {
      key = await dpopKey();
      bound = await tokenRequest('read write', await key.proof('POST', `${s.issuer}/oauth/token`, { iat: s.clock() }));
      boundSession = await open(`DPoP ${bound}`, LEGACY, () => proof());
    });
    const proof = (method = 'POST', path = '/mcp/v1', accessToken = () => bound) => key.proof(method, `${s.mcpUrl}${path}`, { iat: s.clock(), accessToken: accessToken() });
    const dpop = (p: () => Promise<string> = () => proof()) => async (): Promise<Lines> =>
      sessionLines(() => '', [['mcp-session-id', boundSession], ['authorization', `DPoP ${bound}`], ['dpop', await p()]])();

    it.each<[string, () => Promise<Lines>, () => string, number, boolean]>([
      ['a valid proof', dpop(), () => call('get_data', {}), 200, true],
      ['no proof', async () => sessionLines(() => '', [['mcp-session-id', boundSession], ['authorization', `DPoP ${bound}`]])(), () => call('get_data', {}), 401, true],
      ['a proof for another method', dpop(() => proof('GET')), () => call('get_data', {}), 401, true],
      ['a bound token sent as Bearer', async () => sessionLines(() => bound, [['mcp-session-id', boundSession]])(), () => call('get_data', {}), 401, true],
      ['a valid proof, an unknown tool: left to the app', dpop(), () => call('no_such_tool', {}), 200, false],
    ])('%s', async (_name, lines, body, status, directly) => {
      // Each side gets its own proof: a proof is single-use.
      const [overNetwork, inProcess, answeredDirectly] = await both(lines, body());
      expect(answeredDirectly).toBe(directly);
      expect(overNetwork.status).toBe(status);
      expect(overNetwork).toEqual(inProcess);
    });
  });
});
