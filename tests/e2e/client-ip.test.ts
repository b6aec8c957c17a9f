import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientIp } from '../../src/http/client-ip.js';
import { listen, type Listening } from '../../src/runtime/listen.js';

/** Interop note 11: X-Forwarded-For is believed only when the socket peer is a configured trusted proxy. */
describe('client address behind proxies (interop note 11, docs/deploy.md: X-Forwarded-For trusted only from configured proxies)', () => {
  let trusting: Listening;
  let untrusting: Listening;
  const app = (proxies: string[]) => new Hono().get('/ip', (c) => c.text(clientIp(c, proxies)));

  beforeAll(async () => {
    trusting = await listen(app(['127.0.0.1']), '127.0.0.1', 0);
    untrusting = await listen(app([]), '127.0.0.1', 0);
  });
  afterAll(async () => {
    await trusting.close(0);
    await untrusting.close(0);
  });

  const ask = (l: Listening, xff?: string) =>
    fetch(`http://127.0.0.1:${l.port}/ip`, { headers: xff ? { 'X-Forwarded-For': xff } : {} }).then((r) => r.text());

  it('without a trusted proxy the socket peer is the client, whatever X-Forwarded-For claims', async () => {
    expect(await ask(untrusting, '203.0.113.9')).toBe('127.0.0.1');
  });

  it('from a trusted proxy the right-most untrusted X-Forwarded-For entry is the client', async () => {
    expect(await ask(trusting, '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(await ask(trusting, '203.0.113.9, 127.0.0.1')).toBe('203.0.113.9');
  });

  it('from a trusted proxy with no X-Forwarded-For the proxy itself is the client', async () => {
    expect(await ask(trusting)).toBe('127.0.0.1');
  });
});
