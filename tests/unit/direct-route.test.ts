import { Hono } from 'hono';
import { createServer, get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedHeaders, requestListener, writeJsonAnswer, type DirectRoute } from '../../src/http/direct-route.js';

/** The DirectRoute contract (http/direct-route.ts): `false` tries the next route, `pass()` and `pass(body)` hand the request to the app. */
describe('direct routes in front of the Hono app', () => {
  const app = new Hono().post('/x', async (c) => c.text(`app read ${JSON.stringify(await c.req.text())}`));
  const route = (handle: DirectRoute['handle']): DirectRoute => ({ method: 'POST', path: '/x', handle });
  const routes: DirectRoute[] = [
    // Declines anything but "first": the next route for the same method and path is tried.
    route((req, res) => (req.headers['x-which'] === 'first' ? void res.end('first') : false)),
    route((req, res, pass) => {
      const which = req.headers['x-which'];
      if (which === 'unread') return pass();
      if (which !== 'read') return false;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => pass(Buffer.concat(chunks)));
    }),
  ];
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer(requestListener(app, routes));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const post = async (which: string) => (await fetch(`${base}/x`, { method: 'POST', headers: { 'x-which': which }, body: 'hello' })).text();

  it('a route answers, or declines to the next route for the same path, then to the app', async () => {
    expect(await post('first')).toBe('first');
    expect(await post('none')).toBe('app read "hello"');
  });

  it('pass() hands on the unread body, pass(body) the body the route read', async () => {
    expect(await post('unread')).toBe('app read "hello"');
    expect(await post('read')).toBe('app read "hello"');
  });
});

/** writeJsonAnswer's head: the fixed headers, the answer's own, then Content-Type, Content-Length, X-Request-Id, as an object merge orders them. */
describe('writeJsonAnswer', () => {
  const fixed = fixedHeaders({ 'X-Frame-Options': 'DENY', 'Access-Control-Allow-Origin': '*' });
  let server: Server;
  let base: string;
  let answer: { status: number; body: unknown; headers: Record<string, string> };

  beforeAll(async () => {
    server = createServer((_req, res) => writeJsonAnswer(res, answer, fixed, 'req-1'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** The head as sent: names in their case and order (fetch would fold them). */
  const rawHead = () =>
    new Promise<{ status: number; raw: string[]; body: string }>((resolve, reject) => {
      httpGet(base, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, raw: res.rawHeaders.filter((_, i, all) => !['Date', 'Connection', 'Keep-Alive'].includes(all[i - (i % 2)]!)), body }));
      }).on('error', reject);
    });

  it('writes the fixed headers, the answer own after them, then the body headers', async () => {
    answer = { status: 401, body: { error: 'invalid_client' }, headers: { 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Basic realm="x"' } };
    const { status, raw, body } = await rawHead();
    expect(status).toBe(401);
    expect(body).toBe('{"error":"invalid_client"}');
    expect(raw).toEqual(['X-Frame-Options', 'DENY', 'Access-Control-Allow-Origin', '*', 'Cache-Control', 'no-store', 'WWW-Authenticate', 'Basic realm="x"', 'Content-Type', 'application/json', 'Content-Length', '26', 'X-Request-Id', 'req-1']);
  });

  it('an answer header of a fixed or body header name replaces it in its place, as the object merge did', async () => {
    answer = { status: 200, body: {}, headers: { 'Access-Control-Allow-Origin': 'https://a.example', Pragma: 'no-cache', 'Content-Type': 'text/plain' } };
    const { raw } = await rawHead();
    expect(raw).toEqual(['X-Frame-Options', 'DENY', 'Access-Control-Allow-Origin', 'https://a.example', 'Pragma', 'no-cache', 'Content-Type', 'application/json', 'Content-Length', '2', 'X-Request-Id', 'req-1']);
  });
});
