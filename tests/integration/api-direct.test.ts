import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DirectRoute } from '../../src/http/direct-route.js';
import { listen, type Listening } from '../../src/runtime/listen.js';
import { rawRequest, seen as seenText, type Lines } from '../helpers/direct-parity.js';
import { dpopKey } from '../helpers/dpop.js';
import { startObservedServers, type ObservedServers } from '../helpers/observed-servers.js';

/**
 * GET /api/data and GET /api/user/profile are answered by node:http directly when the runtime serves them
 * (mcp/direct-reads.ts, from the demo's McpServerInternals.directReads) and by the Hono routes under
 * `app.request()`. Every kind of answer must be the same on both: status, JSON body and headers (security
 * headers, CORS, no-store, the RFC 6750 / RFC 9449 challenges, the JSON-RPC refusals of Host and Origin), apart
 * from what differs per request (date, request id).
 */

const APP_ORIGIN = 'https://app.example';

/** An answer as compared here: the JSON body parsed. */
interface Seen {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const parsed = (text: string): unknown => (text === '' ? '' : JSON.parse(text));

/** A GET over the network with exactly these header lines. */
async function rawGet(port: number, path: string, lines: Lines, method = 'GET'): Promise<Seen & { requestId: string | undefined }> {
  const { status, headers, text, requestId } = await rawRequest(port, path, method, lines);
  return { status, headers, body: parsed(text), requestId };
}

async function seen(res: Response): Promise<Seen> {
  const { status, headers, text } = await seenText(res);
  return { status, headers, body: parsed(text) };
}

// On a SQLite file the demo's reads go through the read-only connection, which answers without a promise, so the
// direct route answers in the turn the request arrives (mcp/direct-reads.ts); on :memory: they take a promise.
const STORES: Array<[string, boolean]> = [
  ['an in-memory store', false],
  ['a SQLite file', true],
];

describe.each(STORES)('GET /api answered directly by node:http matches the Hono routes (RS-3 to RS-10, TR-5), on %s', (_store, onFile) => {
  let dir: string | undefined;
  let s: ObservedServers;
  let direct: Listening;
  let directHits = 0;
  let host: string;
  let token: string;
  let key: Awaited<ReturnType<typeof dpopKey>>;

  /** An access token signed by the authorization server's current key, with claims of the test's choosing. */
  const mint = async (claims: Record<string, unknown> = {}): Promise<string> => {
    const k = s.auth.deps.keys.signingKey();
    return new SignJWT({ iss: s.issuer, sub: 'minted-user', aud: `${s.mcpUrl}/mcp/v1`, client_id: 'demo_client', scope: 'read write', iat: s.clock(), exp: s.clock() + 600, jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: k.alg, typ: 'at+jwt', kid: k.kid })
      .sign(k.privateKey);
  };

  const tokenRequest = async (dpop?: string): Promise<string> => {
    const res = await fetch(`${s.issuer}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('demo_client:demo_secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        ...(dpop && { dpop }),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read write', resource: `${s.mcpUrl}/mcp/v1` }).toString(),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  };

  beforeAll(async () => {
    dir = onFile ? mkdtempSync(join(tmpdir(), 'api-direct-')) : undefined;
    s = await startObservedServers({ LOG_LEVEL: 'silent', CORS_ORIGINS: APP_ORIGIN, DATABASE_URL: dir ? `sqlite:${dir}/store.db` : 'sqlite::memory:' });
    // The same app served as listen() serves it, counting what the direct routes answer.
    const counted: DirectRoute[] = s.mcp.directRoutes.map((r) => ({
      ...r,
      handle: (req, res, pass) => {
        const handled = r.handle(req, res, pass);
        if (handled !== false) directHits++;
        return handled;
      },
    }));
    direct = await listen(s.mcp.app, '127.0.0.1', 0, undefined, counted);
    host = `127.0.0.1:${direct.port}`;
    token = await tokenRequest();
    for (const [name, value] of [['first', 1], ['second', 2.5], ['third', -3]] as const) {
      const res = await s.mcp.app.request('/api/data', {
        method: 'POST',
        headers: { host, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, value }),
      });
      expect(res.status).toBe(201);
    }
    key = await dpopKey();
  });
  afterAll(async () => {
    await direct?.close(0);
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The same request over the network (must be answered directly) and in process on the Hono app. */
  const both = async (path: string, lines: Lines | (() => Promise<Lines>), hostHeader = host): Promise<[Seen, Seen]> => {
    const make = typeof lines === 'function' ? lines : async () => lines;
    const before = directHits;
    const { requestId: _id, ...overNetwork } = await rawGet(direct.port, path, [['host', hostHeader], ...(await make())]);
    expect(directHits, 'answered by the direct route').toBe(before + 1);
    const headers = new Headers();
    for (const [name, value] of [['host', hostHeader], ...(await make())] as Lines) headers.append(name, value);
    const inProcess = await seen(await s.mcp.app.request(path, { headers }));
    return [overNetwork, inProcess];
  };

  const bearer = (t: () => string): (() => Promise<Lines>) => async () => [['authorization', `Bearer ${t()}`]];

  it.each<[string, string, () => Promise<Lines>, number, string?]>([
    ['the caller\'s items', '/api/data', bearer(() => token), 200],
    ['a query string that is not a token', '/api/data?page=1&x=%20y', bearer(() => token), 200],
    ['the profile', '/api/user/profile', bearer(() => token), 200],
    ['no token: 401 with the Bearer and DPoP challenges (RS-3)', '/api/data', async () => [], 401],
    ['no token at the profile', '/api/user/profile', async () => [], 401],
    ['another scheme: 401 as without a token', '/api/data', async () => [['authorization', 'Basic ZGVtbzpkZW1v']], 401],
    ['a malformed Authorization header: 400 (RS-9)', '/api/data', async () => [['authorization', 'Bearer a b']], 400],
    ['the scheme in capitals, a tab and spaces before the token', '/api/data', async () => [['authorization', `BEARER \t  ${token}`]], 200],
    ['two Authorization lines: 400, as Headers joins them', '/api/data', async () => [['authorization', `Bearer ${token}`], ['authorization', `Bearer ${token}`]], 400],
    ['a token that is not a JWT: 401 invalid_token (RS-4)', '/api/data', async () => [['authorization', 'Bearer abc.def.ghi']], 401],
    ['an expired token: 401 invalid_token', '/api/data', async () => [['authorization', `Bearer ${await mint({ iat: s.clock() - 7200, exp: s.clock() - 3600 })}`]], 401],
    ['a token for another resource: 401 (RS-5)', '/api/data', async () => [['authorization', `Bearer ${await mint({ aud: 'https://elsewhere.example/mcp' })}`]], 401],
    ['a token without read: 403 insufficient_scope (RS-6)', '/api/data', async () => [['authorization', `Bearer ${await mint({ scope: 'offline_access' })}`]], 403],
    ['a token in the query: 400 (RS-7)', `/api/data?access_token=${'x'.repeat(10)}`, async () => [], 400],
    ['a token in the query and the header: 400', '/api/data?access_token=x', bearer(() => token), 400],
    ['the allowlisted Origin: CORS headers (RS-10)', '/api/data', async () => [['authorization', `Bearer ${token}`], ['origin', APP_ORIGIN]], 200],
    ['the server\'s own Origin: allowed, no CORS grant', '/api/data', async () => [['authorization', `Bearer ${token}`], ['origin', s.mcpUrl]], 200],
    ['a foreign Origin: 403 JSON-RPC error (TR-5)', '/api/data', async () => [['authorization', `Bearer ${token}`], ['origin', 'https://evil.example']], 403],
    ['a foreign Host on a loopback bind: 403 (DNS rebinding)', '/api/data', bearer(() => token), 403, 'evil.example'],
    ['localhost as Host', '/api/data', bearer(() => token), 200, 'localhost'],
  ])('%s', async (_name, path, lines, status, hostHeader) => {
    const [overNetwork, inProcess] = await both(path, lines, hostHeader);
    expect(overNetwork.status).toBe(status);
    expect(overNetwork).toEqual(inProcess);
    expect(overNetwork.headers['x-content-type-options']).toBe('nosniff');
    expect(overNetwork.headers['content-type']).toMatch(/^application\/json/);
  });

  it('the items and the challenges are what the API promises', async () => {
    const [ok] = await both('/api/data', bearer(() => token));
    expect(ok.body).toMatchObject({ count: 3, items: [{ name: 'first', value: 1 }, { name: 'second', value: 2.5 }, { name: 'third', value: -3 }] });
    expect(ok.headers['cache-control']).toBe('no-store');
    const [none] = await both('/api/data', async () => []);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer resource_metadata="[^"]+", scope="read write", DPoP algs="[^"]+", resource_metadata=/);
    const [cors] = await both('/api/data', async () => [['authorization', `Bearer ${token}`], ['origin', APP_ORIGIN]]);
    expect(cors.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(cors.headers.vary).toBe('Origin');
  });

  describe('DPoP (RFC 9449 §7)', () => {
    let bound: string;
    beforeAll(async () => {
      bound = await tokenRequest(await key.proof('POST', `${s.issuer}/oauth/token`, { iat: s.clock() }));
    });
    const proof = (method = 'GET', path = '/api/data') => key.proof(method, `${s.mcpUrl}${path}`, { iat: s.clock(), accessToken: bound });

    it.each<[string, () => Promise<Lines>, number]>([
      ['a valid proof', async () => [['authorization', `DPoP ${bound}`], ['dpop', await proof()]], 200],
      ['no proof', async () => [['authorization', `DPoP ${bound}`]], 401],
      ['a proof for another path', async () => [['authorization', `DPoP ${bound}`], ['dpop', await proof('GET', '/mcp/v1')]], 401],
      ['a proof for another method', async () => [['authorization', `DPoP ${bound}`], ['dpop', await proof('POST')]], 401],
      ['a bound token sent as Bearer', async () => [['authorization', `Bearer ${bound}`]], 401],
      ['a bearer token sent as DPoP', async () => [['authorization', `DPoP ${token}`], ['dpop', await key.proof('GET', `${s.mcpUrl}/api/data`, { iat: s.clock(), accessToken: token })]], 401],
    ])('%s', async (_name, lines, status) => {
      // Each side gets its own proof: a proof is single-use.
      const [overNetwork, inProcess] = await both('/api/data', lines);
      expect(overNetwork.status).toBe(status);
      expect(overNetwork).toEqual(inProcess);
    });

    it('a replayed proof is refused on both', async () => {
      const once = await proof();
      const [overNetwork, inProcess] = await both('/api/data', async () => [['authorization', `DPoP ${bound}`], ['dpop', once]]);
      expect(overNetwork.status).toBe(200);
      expect(inProcess).toMatchObject({ status: 401, body: { error: 'invalid_dpop_proof' } });
      const again = await rawGet(direct.port, '/api/data', [['host', host], ['authorization', `DPoP ${bound}`], ['dpop', once]]);
      expect(again).toMatchObject({ status: 401, body: { error: 'invalid_dpop_proof' } });
    });
  });

  // The head of the answer as bytes on the wire: names, values and order (mcp/http/direct-layers.ts builds it once
  // for answers sharing their headers, then copies it), the same for every request but the date, length and id.
  it('writes the same head, line by line, on every answer', async () => {
    const head = () =>
      new Promise<string[]>((resolve, reject) => {
        const socket = connect(direct.port, '127.0.0.1', () => socket.write(`GET /api/data HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`));
        let raw = '';
        socket.setEncoding('latin1');
        socket.on('data', (d: string) => (raw += d));
        socket.on('error', reject);
        socket.on('end', () => {
          const [top, body] = raw.split('\r\n\r\n') as [string, string];
          resolve(top.split('\r\n').map((l) => l.replace(/^(Date|X-Request-Id): .*/, '$1: *').replace(/^Content-Length: (\d+)$/, (_m, n: string) => `Content-Length: ${Number(n) === Buffer.byteLength(body) ? 'body' : n}`)));
        });
      });
    const first = await head();
    expect(first).toEqual([
      'HTTP/1.1 200 OK',
      'Content-Type: application/json',
      'Cache-Control: no-store',
      'Access-Control-Expose-Headers: WWW-Authenticate,Mcp-Session-Id,MCP-Protocol-Version,Retry-After,DPoP-Nonce',
      'Vary: Origin',
      'cross-origin-opener-policy: same-origin',
      'origin-agent-cluster: ?1',
      'referrer-policy: no-referrer',
      'strict-transport-security: max-age=15552000; includeSubDomains',
      'x-content-type-options: nosniff',
      'x-dns-prefetch-control: off',
      'x-download-options: noopen',
      'x-frame-options: SAMEORIGIN',
      'x-permitted-cross-domain-policies: none',
      'x-xss-protection: 0',
      'Content-Length: body',
      'X-Request-Id: *',
      'Date: *',
      'Connection: close',
    ]);
    expect(await head()).toEqual(first);
  });

  // On a file the store keeps a list until a commit (kysely/data-items.ts keptLists), DataService its wire form and
  // the direct route its answer, serialised once (demo/api/reads.ts keptListAnswers): a write must show at once.
  it('answers a list anew after each write, with the same bytes as the Hono route (names JSON must escape)', async () => {
    const names = ['quote " and \\ backslash', '</script><script>alert(1)</script>', 'line\u2028sep \u0007 bell', 'emoji \ud83d\ude00 é', 'lone \ud800 surrogate'];
    const text = async (): Promise<[string, string]> => {
      const overNetwork = await rawRequest(direct.port, '/api/data', 'GET', [['host', host], ['authorization', `Bearer ${token}`]]);
      const inProcess = await s.mcp.app.request('/api/data', { headers: { host, authorization: `Bearer ${token}` } });
      return [overNetwork.text, await inProcess.text()];
    };
    const send = (method: string, path: string, body?: unknown) =>
      s.mcp.app.request(path, { method, headers: { host, authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    const [before] = await text();
    expect((await text())[0]).toBe(before);
    const created: number[] = [];
    for (const name of names) {
      const res = await send('POST', '/api/data', { name, value: created.length + 0.5 });
      expect(res.status).toBe(201);
      created.push(((await res.json()) as { id: number }).id);
      const [overNetwork, inProcess] = await text();
      expect(overNetwork).toBe(inProcess);
      expect((JSON.parse(overNetwork) as { count: number }).count).toBe(3 + created.length);
    }
    const [all] = await text();
    expect(all).toBe(JSON.stringify(JSON.parse(all)));
    expect(all).toContain('quote \\" and \\\\ backslash');
    expect((await send('PUT', `/api/data/${created[0]}`, { name: 'renamed' })).status).toBe(200);
    const [renamed, renamedHono] = await text();
    expect(renamed).toBe(renamedHono);
    expect(renamed).toContain('"renamed"');
    for (const id of created) expect((await send('DELETE', `/api/data/${id}`)).status).toBe(200);
    const [after, afterHono] = await text();
    expect(after).toBe(afterHono);
    expect(JSON.parse(after)).toEqual(JSON.parse(before));
  });

  it('the store answers the list read as this case says: at once on a file, with a promise on :memory:', () => {
    const answer = s.store.listItems('demo_client');
    expect(Array.isArray(answer)).toBe(onFile);
  });

  it('an internal error: 500 server_error on both, logged, with the same headers', async () => {
    const spy = vi.spyOn(s.store, 'listItems').mockRejectedValue(new Error('database is gone'));
    try {
      const [overNetwork, inProcess] = await both('/api/data', bearer(() => token));
      expect(overNetwork).toMatchObject({ status: 500, body: { error: 'server_error', error_description: 'internal server error' } });
      expect(overNetwork).toEqual(inProcess);
    } finally {
      spy.mockRestore();
    }
  });

  it('a store that answers at once (the read-only SQLite connection): the same items, and the same 500 when it throws', async () => {
    // openSqliteReader's list returns its rows without a promise, and the direct route then answers in the same
    // turn (mcp/direct-reads.ts); here the :memory: store is made to answer that way.
    const at = 1_765_000_000;
    const rows = [
      { id: 7, owner: 'demo_client', name: 'now', value: 1.5, createdAt: at, updatedAt: at },
      { id: 9, owner: 'demo_client', name: 'changed', value: -2, createdAt: at, updatedAt: at + 61 },
    ];
    const spy = vi.spyOn(s.store, 'listItems').mockReturnValue(rows);
    try {
      const [overNetwork, inProcess] = await both('/api/data', bearer(() => token));
      expect(overNetwork).toMatchObject({
        status: 200,
        body: {
          count: 2,
          items: [
            { id: 7, name: 'now', value: 1.5, created_at: '2025-12-06T05:46:40.000Z', updated_at: '2025-12-06T05:46:40.000Z' },
            { id: 9, name: 'changed', value: -2, created_at: '2025-12-06T05:46:40.000Z', updated_at: '2025-12-06T05:47:41.000Z' },
          ],
        },
      });
      expect(overNetwork).toEqual(inProcess);
      spy.mockImplementation(() => {
        throw new Error('database is gone');
      });
      const [failedOver, failedIn] = await both('/api/data', bearer(() => token));
      expect(failedOver).toMatchObject({ status: 500, body: { error: 'server_error', error_description: 'internal server error' } });
      expect(failedOver).toEqual(failedIn);
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps a safe X-Request-Id and replaces an unsafe one, as the Hono routes do', async () => {
    const kept = await rawGet(direct.port, '/api/data', [['host', host], ['x-request-id', 'trace-42']]);
    expect(kept.requestId).toBe('trace-42');
    const replaced = await rawGet(direct.port, '/api/data', [['host', host], ['x-request-id', 'bad id <script>']]);
    expect(replaced.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('counts its answers and its refusals in the metrics like the Hono routes', async () => {
    await rawGet(direct.port, '/api/data', [['host', host], ['authorization', 'Bearer abc.def.ghi']]);
    await rawGet(direct.port, '/api/data', [['host', host], ['authorization', `Bearer ${token}`]]);
    const metrics = await (await s.mcp.app.request('/metrics', { headers: { host } })).text();
    expect(metrics).toMatch(/http_requests_total\{[^}]*route="\/api\/data"[^}]*status="200"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/http_requests_total\{[^}]*route="\/api\/data"[^}]*status="401"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/auth_failures_total\{[^}]*endpoint="api"[^}]*reason="invalid_token:malformed_token"[^}]*\} [1-9]/);
  });

  it('leaves every other method and path of /api to the Hono app, with the same answers', async () => {
    const before = directHits;
    for (const [method, path] of [['HEAD', '/api/data'], ['GET', '/api/data/1'], ['GET', '/api/data/999999'], ['GET', '/api/data/'], ['GET', '/health']] as const) {
      const { requestId: _id, ...overNetwork } = await rawGet(direct.port, path, [['host', host], ['authorization', `Bearer ${token}`]], method);
      const inProcess = await seen(await s.mcp.app.request(path, { method, headers: { host, authorization: `Bearer ${token}` } }));
      expect(overNetwork, `${method} ${path}`).toEqual(inProcess);
    }
    const preflight = await rawGet(direct.port, '/api/data', [['host', host], ['origin', APP_ORIGIN], ['access-control-request-method', 'GET']], 'OPTIONS');
    expect(preflight.status).toBe(204);
    // A Host in capitals or an unusual request target: the Hono app's URL rules decide.
    const upper = await rawGet(direct.port, '/api/data', [['host', host.replace('127.0.0.1', 'LOCALHOST')], ['authorization', `Bearer ${token}`]]);
    expect(upper.status).toBe(200);
    expect(directHits).toBe(before);
  });
});

describe('the direct /api routes record the caller\'s flow and log one line per request', () => {
  it('a first call with a verified token is the flow\'s mcp_connected step; the request line carries the ids', async () => {
    const s = await startObservedServers({});
    const direct = await listen(s.mcp.app, '127.0.0.1', 0, undefined, s.mcp.directRoutes);
    try {
      const res = await fetch(`${s.issuer}/oauth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('demo_client:demo_secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read', resource: `${s.mcpUrl}/mcp/v1` }).toString(),
      });
      const { access_token: accessToken } = (await res.json()) as { access_token: string };
      const got = await fetch(`http://127.0.0.1:${direct.port}/api/data`, { headers: { authorization: `Bearer ${accessToken}`, 'x-request-id': 'flow-test-1' } });
      expect(got.status).toBe(200);
      await s.mcp.close();
      const events = await s.store.listAuditEvents({ clientId: 'demo_client', limit: 50 });
      expect(events.find((e) => e.type === 'mcp_connected')?.detail).toContain('/api/data');
      const line = s.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request' && l.reqId === 'flow-test-1');
      expect(line).toMatchObject({ method: 'GET', path: '/api/data', route: '/api/data', status: 200, reqId: 'flow-test-1', clientId: 'demo_client' });
      expect(line?.flowId).toEqual(expect.any(String));
    } finally {
      await direct.close(0);
      await s.close();
    }
  });
});

describe('with DPOP_REQUIRE_NONCE=true the direct /api routes ask for the nonce as the Hono routes do (RFC 9449 §9)', () => {
  it('a proof without a nonce: 401 use_dpop_nonce with the same DPoP-Nonce; with it: 200', async () => {
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
      const issued = (await (await ask(await key.proof('POST', tokenUrl, { iat: s.clock(), nonce: asNonce }))).json()) as { access_token: string };
      const bound = issued.access_token;
      const host = `127.0.0.1:${direct.port}`;
      const url = `${s.mcpUrl}/api/data`;
      const send = async (nonce?: string): Promise<[Seen, Seen]> => {
        const lines = async (): Promise<Lines> => [['authorization', `DPoP ${bound}`], ['dpop', await key.proof('GET', url, { iat: s.clock(), accessToken: bound, ...(nonce && { nonce }) })]];
        const { requestId: _id, ...overNetwork } = await rawGet(direct.port, '/api/data', [['host', host], ...(await lines())]);
        const inProcess = await seen(await s.mcp.app.request('/api/data', { headers: { host, ...Object.fromEntries(await lines()) } }));
        return [overNetwork, inProcess];
      };
      const [refused, refusedHono] = await send();
      expect(refused).toMatchObject({ status: 401, body: { error: 'use_dpop_nonce' } });
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
