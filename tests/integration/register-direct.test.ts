import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectRoute } from '../../src/http/direct-route.js';
import { listen, type Listening } from '../../src/runtime/listen.js';
import { startObservedServers, type ObservedServers } from '../helpers/observed-servers.js';

/**
 * POST /oauth/register is answered by node:http directly when the runtime serves it (auth-server/register-direct.ts)
 * and by the Hono route under `app.request()`. Every kind of answer must be the same on both (AS-4, RFC 7591 §3):
 * status, JSON body and headers (no-store, security headers, CORS, Retry-After), apart from what differs per
 * request (the new client's id, secret and tokens, the date, a fresh request id).
 */

const JSON_TYPE = 'application/json';
/** Headers that differ per request or per transport, not per answer. */
const PER_REQUEST = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'x-request-id']);
/** Values minted per registration: compared by shape. */
const MINTED = ['client_id', 'client_secret', 'registration_access_token'];

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
  for (const k of MINTED) if (typeof body[k] === 'string') body[k] = `${(body[k] as string).length} characters`;
  if (typeof body.client_id_issued_at === 'number') body.client_id_issued_at = 'a time';
  if (typeof body.registration_client_uri === 'string') body.registration_client_uri = body.registration_client_uri.replace(/[^/]+$/, '<client_id>');
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

const metadata = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ client_name: 'parity', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none', ...over });

describe('POST /oauth/register answered directly by node:http matches the Hono route (AS-4)', () => {
  let s: ObservedServers;
  let direct: Listening;
  let directHits = 0;

  beforeAll(async () => {
    s = await startObservedServers({ LOG_LEVEL: 'silent' });
    // The same app served as listen() serves it, counting what the direct route answers.
    const counted: DirectRoute[] = s.auth.directRoutes.map((r) => ({ ...r, handle: (req, res, pass) => (r.path === '/oauth/register' && directHits++, r.handle(req, res, pass)) }));
    direct = await listen(s.auth.app, '127.0.0.1', 0, undefined, counted);
  });
  afterAll(async () => {
    await direct.close(0);
    await s.close();
  });

  const both = async (sent: Sent): Promise<[Seen, Seen]> => {
    const before = directHits;
    const overNetwork = await seen(await fetch(`http://127.0.0.1:${direct.port}/oauth/register`, init(sent)));
    expect(directHits, 'the network request was answered by the direct route').toBe(before + 1);
    const inProcess = await seen(await s.auth.app.request('/oauth/register', init(sent)));
    return [overNetwork, inProcess];
  };

  const cases: Array<[string, Sent, number]> = [
    ['a public client', { headers: { 'content-type': JSON_TYPE }, body: metadata({ grant_types: ['authorization_code', 'refresh_token'], scope: 'read write' }) }, 201],
    ['a confidential client (a secret, shown once)', { headers: { 'content-type': JSON_TYPE }, body: metadata({ token_endpoint_auth_method: 'client_secret_basic', client_uri: 'https://app.example' }) }, 201],
    ['Content-Type with a charset', { headers: { 'content-type': 'application/json; charset=utf-8' }, body: metadata() }, 201],
    ['unknown metadata is ignored (RFC 7591 §2)', { headers: { 'content-type': JSON_TYPE }, body: metadata({ frobnicate: true }) }, 201],
    ['no Content-Type (415)', { body: metadata() }, 415],
    ['a form body (415)', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_name=x' }, 415],
    ['not JSON', { headers: { 'content-type': JSON_TYPE }, body: '{"client_name":' }, 400],
    ['a JSON array', { headers: { 'content-type': JSON_TYPE }, body: '[]' }, 400],
    ['an unsupported grant type', { headers: { 'content-type': JSON_TYPE }, body: metadata({ grant_types: ['implicit'] }) }, 400],
    ['a javascript: redirect URI', { headers: { 'content-type': JSON_TYPE }, body: metadata({ redirect_uris: ['javascript:alert(1)'] }) }, 400],
    ['no redirect URI for the code grant', { headers: { 'content-type': JSON_TYPE }, body: metadata({ redirect_uris: [] }) }, 400],
    ['client_credentials for a public client', { headers: { 'content-type': JSON_TYPE }, body: metadata({ grant_types: ['client_credentials'], response_types: [] }) }, 400],
    ['a body over 64 KiB with Content-Length (413)', { headers: { 'content-type': JSON_TYPE }, body: metadata({ pad: 'a'.repeat(70_000) }) }, 413],
    ['a chunked body over 64 KiB (413)', { headers: { 'content-type': JSON_TYPE }, body: chunked(70_000) }, 413],
    ['a chunked body over 64 KiB of the wrong type (413: the body limit comes first)', { headers: { 'content-type': 'text/plain' }, body: chunked(70_000) }, 413],
    ['a small chunked body', { headers: { 'content-type': JSON_TYPE }, body: () => new Blob([metadata()]).stream() }, 201],
  ];

  it.each(cases)('%s', async (_name, sent, status) => {
    const [overNetwork, inProcess] = await both(sent);
    expect(overNetwork.status).toBe(status);
    expect(overNetwork).toEqual(inProcess);
    expect(overNetwork.headers['cache-control']).toBe('no-store');
    expect(overNetwork.headers['access-control-allow-origin']).toBe('*');
    expect(overNetwork.headers['x-frame-options']).toBe('DENY');
  });

  it('registers a client the store and the authorization endpoint know', async () => {
    const res = await fetch(`http://127.0.0.1:${direct.port}/oauth/register`, { method: 'POST', headers: { 'content-type': JSON_TYPE }, body: metadata() });
    const { client_id } = (await res.json()) as { client_id: string };
    expect((await s.store.getClient(client_id))?.clientName).toBe('parity');
  });

  it('keeps a safe X-Request-Id and replaces an unsafe one, as the Hono route does', async () => {
    const url = `http://127.0.0.1:${direct.port}/oauth/register`;
    const kept = await fetch(url, { method: 'POST', headers: { 'x-request-id': 'trace-43', 'content-type': JSON_TYPE }, body: metadata() });
    expect(kept.headers.get('x-request-id')).toBe('trace-43');
    const replaced = await fetch(url, { method: 'POST', headers: { 'x-request-id': 'bad id <script>', 'content-type': JSON_TYPE }, body: metadata() });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('counts its answers in the metrics and records refusals in the audit trail like the Hono route', async () => {
    await fetch(`http://127.0.0.1:${direct.port}/oauth/register`, { method: 'POST', headers: { 'content-type': JSON_TYPE }, body: metadata({ redirect_uris: ['data:text/html,x'] }) });
    const metrics = await (await s.auth.app.request('/metrics')).text();
    expect(metrics).toMatch(/http_requests_total\{[^}]*route="\/oauth\/register"[^}]*status="400"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/http_requests_total\{[^}]*route="\/oauth\/register"[^}]*status="201"[^}]*\} [1-9]/);
    await s.auth.deps.audit.flush();
    const events = await s.store.listAuditEvents({ limit: 200 });
    expect(events.some((e) => e.type === 'client_registered' && e.outcome === 'failure' && e.error === 'invalid_redirect_uri' && e.detail?.includes('data:'))).toBe(true);
  });

  it('leaves every other method and path of the server to the Hono app', async () => {
    const before = directHits;
    const preflight = await fetch(`http://127.0.0.1:${direct.port}/oauth/register`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const get = await fetch(`http://127.0.0.1:${direct.port}/oauth/register`);
    expect(get.status).toBe(404);
    expect(directHits).toBe(before);
  });
});

describe('registration limits and policy are the same on both routes', () => {
  let s: ObservedServers;
  let direct: Listening;
  beforeAll(async () => {
    // RATE_LIMIT_PER_MINUTE=4: registration gets a quarter, one a minute per address.
    s = await startObservedServers({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '4', DEMO_MODE: 'false', SECRET_KEY: 'k'.repeat(40), REGISTRATION_POLICY: 'token' });
    direct = await listen(s.auth.app, '127.0.0.1', 0, undefined, s.auth.directRoutes);
  });
  afterAll(async () => {
    await direct.close(0);
    await s.close();
  });

  it('REGISTRATION_POLICY=token: 401 with a Bearer challenge without an initial access token, then 429 with Retry-After', async () => {
    const sent = { headers: { 'content-type': JSON_TYPE }, body: metadata() };
    const overNetwork = await seen(await fetch(`http://127.0.0.1:${direct.port}/oauth/register`, init(sent)));
    const inProcess = await seen(await s.auth.app.request('/oauth/register', init(sent)));
    expect(overNetwork.status).toBe(401);
    expect(overNetwork.headers['www-authenticate']).toMatch(/^Bearer error="invalid_request"/);
    expect(overNetwork).toEqual(inProcess);
    const limitedNetwork = await seen(await fetch(`http://127.0.0.1:${direct.port}/oauth/register`, init(sent)));
    const limitedInProcess = await seen(await s.auth.app.request('/oauth/register', init(sent)));
    expect(limitedNetwork.status).toBe(429);
    expect(limitedNetwork.headers['retry-after']).toMatch(/^\d+$/);
    expect(limitedNetwork).toEqual(limitedInProcess);
  });
});
