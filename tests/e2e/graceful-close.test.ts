import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { listen } from '../../src/runtime/listen.js';

/** docs/architecture.md: on SIGINT/SIGTERM in-flight requests finish; `start` closes each server through listen().close(). */
describe('graceful close of a listening server', () => {
  it('a request in flight when close() is called still gets its answer; new connections are refused', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const inHandler = new Promise<void>((r) => (arrived = r));
    const app = new Hono().get('/slow', async (c) => {
      arrived();
      await held;
      return c.json({ finished: true });
    });
    const server = await listen(app, '127.0.0.1', 0);
    const url = `http://127.0.0.1:${server.port}/slow`;

    const inFlight = fetch(url);
    await inHandler;
    const closed = server.close(5000);
    await new Promise((r) => setTimeout(r, 50));
    await expect(fetch(url)).rejects.toThrow(); // no longer accepting
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ finished: true });
    await closed;
  });

  it('a connection still open after the grace period (an SSE stream) is cut, so shutdown cannot hang', async () => {
    const app = new Hono().get('/stream', () => new Response(new ReadableStream({ start: () => {} }), { headers: { 'content-type': 'text/event-stream' } }));
    const server = await listen(app, '127.0.0.1', 0);
    const res = await fetch(`http://127.0.0.1:${server.port}/stream`);
    expect(res.status).toBe(200);
    const started = Date.now();
    await server.close(200);
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(res.body!.getReader().read()).rejects.toThrow();
  });
});
