import { Hono } from 'hono';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { KEEP_ALIVE_TIMEOUT_MS, listen } from '../../src/runtime/listen.js';

/**
 * Behind nginx (deploy/nginx-oauth-mcp.conf: upstream keepalive, whose idle connections nginx closes after 60 s), the
 * server must not close an idle connection first: a POST nginx sends on a connection the server is closing at
 * that moment gets 502 (nginx never re-sends a non-idempotent request). Node's default is 5 s.
 */
describe('idle keep-alive connections outlive the proxy\'s', () => {
  it('listen() keeps an idle connection longer than nginx\'s 60 s, and headersTimeout above it', async () => {
    const app = new Hono().get('/', (c) => c.text('ok'));
    const s = await listen(app, '127.0.0.1', 0);
    try {
      expect(s.server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
      expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000);
      expect(s.server.headersTimeout).toBeGreaterThan(s.server.keepAliveTimeout);
      // What the server tells the peer (RFC 9112 §9.3; the Keep-Alive header node sends).
      const head = await new Promise<string>((resolve, reject) => {
        const socket = connect(s.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
        socket.once('data', (d) => (resolve(String(d)), socket.destroy()));
        socket.once('error', reject);
      });
      expect(head).toMatch(/keep-alive: timeout=65/i);
    } finally {
      await s.close(0);
    }
  });

  it('still closes idle connections at once on shutdown', async () => {
    const app = new Hono().get('/', (c) => c.text('ok'));
    const s = await listen(app, '127.0.0.1', 0);
    await fetch(`http://127.0.0.1:${s.port}/`).then((r) => r.text());
    const started = Date.now();
    await s.close(5000);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
