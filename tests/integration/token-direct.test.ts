import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DirectRoute } from '../../src/http/direct-route.js';
import { listen, type Listening } from '../../src/runtime/listen.js';
import { dpopKey } from '../helpers/dpop.js';
import { startObservedServers, type ObservedServers } from '../helpers/observed-servers.js';

/**
 * POST /oauth/token is answered by node:http directly when the runtime serves it (auth-server/token-direct.ts)
 * and by the Hono route under `app.request()`. Every kind of answer must be the same on both: status, JSON body
 * and headers (AS-9 no-store, security headers, CORS, Basic challenge, Retry-After), apart from what differs
 * per request (the token itself, the date, a fresh request id).
 */

const DEMO_BASIC = `Basic ${Buffer.from('demo_client:demo_secret').toString('base64')}`;
const FORM = 'application/x-www-form-urlencoded';
/** Headers that differ per request or per transport, not per answer. */
const PER_REQUEST = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'x-request-id']);

interface Sent {
  headers?: Record<string, string>;
  body: string | (() => ReadableStream<Uint8Array>);
}

interface Seen {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

async function seen(res: Response): Promise<Seen> {
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!PER_REQUEST.has(name)) headers[name] = value;
  });
  const body = (await res.json()) as Record<string, unknown>;
  // A fresh token every time: compare its shape, not its value.
  if (typeof body.access_token === 'string') body.access_token = `jwt with ${body.access_token.split('.').length} parts`;
  return { status: res.status, headers, body };
}

function init(sent: Sent): RequestInit {
  const body = typeof sent.body === 'string' ? sent.body : sent.body();
  return { method: 'POST', headers: sent.headers ?? {}, body, ...(typeof sent.body !== 'string' && { duplex: 'half' }) } as RequestInit;
}

/** A body sent in chunks with no Content-Length, `size` bytes in all. */
const chunked = (size: number) => () =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let left = size; left > 0; left -= 16_384) controller.enqueue(new TextEncoder().encode('a'.repeat(Math.min(left, 16_384))));
      controller.close();
    },
  });

describe('POST /oauth/token answered directly by node:http matches the Hono route (AS-9, AS-12)', () => {
  let s: ObservedServers;
  let direct: Listening;
  let directHits = 0;

  beforeAll(async () => {
    s = await startObservedServers({ LOG_LEVEL: 'silent' });
    // The same app served as listen() serves it, counting what the direct route answers.
    const counted: DirectRoute[] = s.auth.directRoutes.map((r) => ({ ...r, handle: (req, res, pass) => (directHits++, r.handle(req, res, pass)) }));
    direct = await listen(s.auth.app, '127.0.0.1', 0, undefined, counted);
  });
  afterAll(async () => {
    await direct.close(0);
    await s.close();
  });

  const both = async (sent: Sent): Promise<[Seen, Seen]> => {
    const before = directHits;
    const overNetwork = await seen(await fetch(`http://127.0.0.1:${direct.port}/oauth/token`, init(sent)));
    expect(directHits, 'the network request was answered by the direct route').toBe(before + 1);
    const inProcess = await seen(await s.auth.app.request('/oauth/token', init(sent)));
    return [overNetwork, inProcess];
  };

  const cases: Array<[string, Sent, number]> = [
    ['client_credentials with Basic', { headers: { authorization: DEMO_BASIC, 'content-type': FORM }, body: 'grant_type=client_credentials&scope=read+write' }, 200],
    ['client_credentials with client_secret_post', { headers: { 'content-type': FORM }, body: 'grant_type=client_credentials&client_id=demo_client&client_secret=demo_secret&scope=read' }, 200],
    ['a wrong secret by Basic (401 with a Basic challenge)', { headers: { authorization: `Basic ${Buffer.from('demo_client:nope').toString('base64')}`, 'content-type': FORM }, body: 'grant_type=client_credentials' }, 401],
    ['an unknown client by post', { headers: { 'content-type': FORM }, body: 'grant_type=client_credentials&client_id=nobody&client_secret=x' }, 401],
    ['an unsupported grant type', { headers: { authorization: DEMO_BASIC, 'content-type': FORM }, body: 'grant_type=password' }, 400],
    ['no grant type', { headers: { authorization: DEMO_BASIC, 'content-type': FORM }, body: 'scope=read' }, 400],
    ['a JSON body', { headers: { authorization: DEMO_BASIC, 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' }, 400],
    ['a repeated parameter', { headers: { authorization: DEMO_BASIC, 'content-type': FORM }, body: 'grant_type=client_credentials&scope=read&scope=write' }, 400],
    ['a resource on another origin', { headers: { authorization: DEMO_BASIC, 'content-type': FORM }, body: 'grant_type=client_credentials&resource=https%3A%2F%2Fevil.example%2Fmcp' }, 400],
    ['an unknown authorization code', { headers: { authorization: DEMO_BASIC, 'content-type': FORM }, body: 'grant_type=authorization_code&code=nope&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&code_verifier=' + 'v'.repeat(43) }, 400],
    ['an unknown refresh token', { headers: { authorization: DEMO_BASIC, 'content-type': FORM }, body: 'grant_type=refresh_token&refresh_token=nope' }, 400],
    ['a body over 64 KiB with Content-Length (413)', { headers: { authorization: DEMO_BASIC, 'content-type': FORM }, body: 'grant_type=client_credentials&pad=' + 'a'.repeat(70_000) }, 413],
    ['a chunked body over 64 KiB (413)', { headers: { authorization: DEMO_BASIC, 'content-type': FORM }, body: chunked(70_000) }, 413],
  ];

  it.each(cases)('%s', async (_name, sent, status) => {
    const [overNetwork, inProcess] = await both(sent);
    expect(overNetwork.status).toBe(status);
    expect(overNetwork).toEqual(inProcess);
    expect(overNetwork.headers['cache-control']).toBe('no-store');
    expect(overNetwork.headers['access-control-allow-origin']).toBe('*');
    expect(overNetwork.headers['x-frame-options']).toBe('DENY');
  });

  it('keeps a safe X-Request-Id and replaces an unsafe one, as the Hono route does', async () => {
    const url = `http://127.0.0.1:${direct.port}/oauth/token`;
    const kept = await fetch(url, { method: 'POST', headers: { 'x-request-id': 'trace-42', 'content-type': FORM }, body: '' });
    expect(kept.headers.get('x-request-id')).toBe('trace-42');
    const replaced = await fetch(url, { method: 'POST', headers: { 'x-request-id': 'bad id <script>', 'content-type': FORM }, body: '' });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('counts its answers in the metrics and records refusals in the audit trail like the Hono route', async () => {
    await fetch(`http://127.0.0.1:${direct.port}/oauth/token`, { method: 'POST', headers: { 'content-type': FORM }, body: 'grant_type=client_credentials&client_id=demo_client&client_secret=wrong' });
    const metrics = await (await s.auth.app.request('/metrics')).text();
    expect(metrics).toMatch(/http_requests_total\{[^}]*route="\/oauth\/token"[^}]*status="401"[^}]*\} [1-9]/);
    await s.auth.deps.audit.flush();
    const events = await s.store.listAuditEvents({ clientId: 'demo_client', limit: 50 });
    expect(events.some((e) => e.outcome === 'failure' && e.error === 'invalid_client' && e.rule)).toBe(true);
  });

  it('leaves every other method and path of the server to the Hono app', async () => {
    const before = directHits;
    const preflight = await fetch(`http://127.0.0.1:${direct.port}/oauth/token`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const get = await fetch(`http://127.0.0.1:${direct.port}/oauth/token`);
    expect(get.status).toBe(404);
    const metadata = await fetch(`http://127.0.0.1:${direct.port}/.well-known/oauth-authorization-server`);
    expect(metadata.status).toBe(200);
    expect(directHits).toBe(before);
  });
});

describe('DPoP answers and headers are the same on both routes (RFC 9449 §5, §8)', () => {
  for (const requireNonce of [false, true]) {
    describe(requireNonce ? 'with DPOP_REQUIRE_NONCE=true' : 'without nonces', () => {
      let s: ObservedServers;
      let direct: Listening;
      let key: Awaited<ReturnType<typeof dpopKey>>;
      beforeAll(async () => {
        s = await startObservedServers({ LOG_LEVEL: 'silent', DPOP_REQUIRE_NONCE: String(requireNonce) });
        direct = await listen(s.auth.app, '127.0.0.1', 0, undefined, s.auth.directRoutes);
        key = await dpopKey();
      });
      afterAll(async () => {
        await direct.close(0);
        await s.close();
      });

      /** Each route gets its own fresh proof (a proof is single-use), made by `proof`. */
      const both = async (proof: () => Promise<string>): Promise<[Seen, Seen]> => {
        const sent = async (): Promise<RequestInit> => ({
          method: 'POST',
          headers: { authorization: DEMO_BASIC, 'content-type': FORM, dpop: await proof() },
          body: 'grant_type=client_credentials&scope=read',
        });
        const overNetwork = await seen(await fetch(`http://127.0.0.1:${direct.port}/oauth/token`, await sent()));
        const inProcess = await seen(await s.auth.app.request('/oauth/token', await sent()));
        return [overNetwork, inProcess];
      };
      const tokenUrl = () => `${s.issuer}/oauth/token`;
      const nonce = () => (requireNonce ? { nonce: s.auth.deps.dpopNonces!.current() } : {});

      it('a valid proof: token_type DPoP, and the current nonce when nonces are on', async () => {
        const [overNetwork, inProcess] = await both(() => key.proof('POST', tokenUrl(), { iat: s.clock(), ...nonce() }));
        expect(overNetwork.status).toBe(200);
        expect(overNetwork.body.token_type).toBe('DPoP');
        expect(overNetwork).toEqual(inProcess);
        expect(overNetwork.headers['dpop-nonce']).toBe(requireNonce ? s.auth.deps.dpopNonces!.current() : undefined);
      });

      it('a proof for another method: 400 invalid_dpop_proof', async () => {
        const [overNetwork, inProcess] = await both(() => key.proof('GET', tokenUrl(), { iat: s.clock(), ...nonce() }));
        expect(overNetwork).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
        expect(overNetwork).toEqual(inProcess);
      });

      it('a replayed proof: 400 invalid_dpop_proof on both', async () => {
        const proof = await key.proof('POST', tokenUrl(), { iat: s.clock(), ...nonce() });
        await fetch(`http://127.0.0.1:${direct.port}/oauth/token`, { method: 'POST', headers: { authorization: DEMO_BASIC, 'content-type': FORM, dpop: proof }, body: 'grant_type=client_credentials' });
        const [overNetwork, inProcess] = await both(async () => proof);
        expect(overNetwork).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof', error_description: expect.stringContaining('already used') } });
        expect(overNetwork).toEqual(inProcess);
      });

      if (requireNonce) {
        it('a proof without a nonce: 400 use_dpop_nonce with a DPoP-Nonce header', async () => {
          const [overNetwork, inProcess] = await both(() => key.proof('POST', tokenUrl(), { iat: s.clock() }));
          expect(overNetwork).toMatchObject({ status: 400, body: { error: 'use_dpop_nonce' }, headers: { 'dpop-nonce': s.auth.deps.dpopNonces!.current() } });
          expect(overNetwork).toEqual(inProcess);
        });
      }
    });
  }
});

describe('the direct token route applies the token rate limit (RFC 6585 §4)', () => {
  it('answers 429 with Retry-After over the limit, as the Hono route does', async () => {
    const s = await startObservedServers({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '2' });
    const server = await listen(s.auth.app, '127.0.0.1', 0, undefined, s.auth.directRoutes);
    try {
      const post = () => fetch(`http://127.0.0.1:${server.port}/oauth/token`, { method: 'POST', headers: { authorization: DEMO_BASIC, 'content-type': FORM }, body: 'grant_type=client_credentials' });
      expect((await post()).status).toBe(200);
      expect((await post()).status).toBe(200);
      const refused = await post();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      const inProcess = await s.auth.app.request('/oauth/token', { method: 'POST', headers: { authorization: DEMO_BASIC, 'content-type': FORM }, body: 'grant_type=client_credentials' });
      for (let i = 0; i < 2 && inProcess.status !== 429; i++) await s.auth.app.request('/oauth/token', { method: 'POST', body: '' });
      const honoRefused = await seen(await s.auth.app.request('/oauth/token', { method: 'POST', headers: { authorization: DEMO_BASIC, 'content-type': FORM }, body: 'grant_type=client_credentials' }));
      const directRefused = await seen(refused);
      delete honoRefused.headers['retry-after'];
      delete directRefused.headers['retry-after'];
      expect(directRefused).toEqual(honoRefused);
    } finally {
      await server.close(0);
      await s.close();
    }
  });
});

describe('a client that goes away mid-request', () => {
  it('gets no answer, is logged as 499 at debug (not an error), and the server goes on serving', async () => {
    const s = await startObservedServers({ LOG_LEVEL: 'trace' });
    try {
      const port = Number(new URL(s.issuer).port);
      await new Promise<void>((resolve, reject) => {
        // Hang up once the server has the request (headers parsed, body still short of Content-Length).
        s.authHttp.once('request', () => (socket.destroy(), resolve()));
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(`POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${FORM}\r\nContent-Length: 100\r\n\r\ngrant_type=cli`);
        });
        socket.on('error', reject);
      });
      const line = await vi.waitFor(() => {
        const found = s.lines.map((l) => JSON.parse(l) as { msg: string; status?: number; level: number }).find((l) => l.msg === 'request' && l.status === 499);
        if (!found) throw new Error('no request line yet');
        return found;
      });
      expect(line.level).toBe(30);
      expect(s.lines.some((l) => l.includes('unhandled error'))).toBe(false);
      const next = await fetch(`${s.issuer}/oauth/token`, { method: 'POST', headers: { authorization: DEMO_BASIC, 'content-type': FORM }, body: 'grant_type=client_credentials' });
      expect(next.status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('an internal error at the direct token route', () => {
  it('is answered 500 server_error and logged at error level, not as a client that closed (499)', async () => {
    const s = await startObservedServers({ LOG_LEVEL: 'trace' });
    try {
      vi.spyOn(s.store, 'getClient').mockRejectedValue(new Error('database is gone'));
      const res = await fetch(`${s.issuer}/oauth/token`, { method: 'POST', headers: { authorization: DEMO_BASIC, 'content-type': FORM }, body: 'grant_type=client_credentials' });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'server_error', error_description: 'internal server error' });
      const parsed = s.lines.map((l) => JSON.parse(l) as { msg: string; status?: number; level: number; err?: { message: string } });
      const error = parsed.find((l) => l.msg === 'unhandled error');
      expect(error?.level).toBe(50);
      expect(error?.err?.message).toBe('database is gone');
      expect(parsed.find((l) => l.msg === 'request')?.status).toBe(500);
      expect(parsed.some((l) => l.msg === 'client closed the request')).toBe(false);
    } finally {
      vi.restoreAllMocks();
      await s.close();
    }
  });
});

describe('the direct token route in its log context', () => {
  it('logs every line of a request (the exchange, its audit line, the request line) with its request id, a refused one too', async () => {
    const s = await startObservedServers({ LOG_LEVEL: 'trace' });
    try {
      const post = (reqId: string, headers: Record<string, string>, body: string) =>
        fetch(`${s.issuer}/oauth/token`, { method: 'POST', headers: { 'x-request-id': reqId, 'content-type': FORM, ...headers }, body });
      const issued = await post('req-issued', { authorization: DEMO_BASIC }, 'grant_type=client_credentials');
      expect(issued.status).toBe(200);
      expect(issued.headers.get('x-request-id')).toBe('req-issued');
      const refused = await post('req-refused', { authorization: `Basic ${Buffer.from('demo_client:wrong').toString('base64')}` }, 'grant_type=client_credentials');
      expect(refused.status).toBe(401);
      const tooLarge = await post('req-large', { authorization: DEMO_BASIC, 'content-length': '70000' }, 'a'.repeat(70_000));
      expect(tooLarge.status).toBe(413);
      const parsed = () => s.lines.map((l) => JSON.parse(l) as { msg: string; reqId?: string; flowId?: string; status?: number });
      await vi.waitFor(() => {
        if (!parsed().some((l) => l.msg === 'request' && l.status === 413)) throw new Error('no 413 request line yet');
      });
      const of = (reqId: string) => parsed().filter((l) => l.reqId === reqId).map((l) => l.msg);
      expect(of('req-issued')).toEqual(expect.arrayContaining(['token issued', 'audit: token_issued', 'request']));
      expect(parsed().find((l) => l.reqId === 'req-issued' && l.msg === 'request')?.flowId).toMatch(/^fl_/);
      expect(of('req-refused')).toEqual(expect.arrayContaining(['audit: token_issued refused', 'request']));
      expect(of('req-large')).toContain('request');
    } finally {
      await s.close();
    }
  });
});
