import { Hono } from 'hono';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestListener, type DirectRoute } from '../../src/http/direct-route.js';

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
