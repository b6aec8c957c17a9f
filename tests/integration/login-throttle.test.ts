import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLoginThrottle } from '../../src/web/login-throttle.js';
import { CookieClient, hiddenField } from '../helpers/cookie-client.js';
import { makeWebServer } from '../helpers/web-server.js';

type Server = Awaited<ReturnType<typeof makeWebServer>>;

/**
 * Sign-in limits (docs/security.md, "Sign-in limits"): counted before the password check, the hard limit on
 * account + address, the account as a whole only slowed down. Addresses come from X-Forwarded-For through a
 * trusted proxy ("in-process", the peer of app.request).
 */
describe('sign-in throttling: a stranger cannot lock a person out', () => {
  let server: Server | undefined;
  let delays: number[];
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function setup(throttle = createLoginThrottle({ baseDelayMs: 100 })) {
    delays = [];
    server = await makeWebServer({}, { sleep: async (ms) => void delays.push(ms), loginThrottle: throttle });
    // app.request has no socket: its peer is "in-process", which TRUSTED_PROXIES (addresses only) cannot name;
    // trusting it here lets X-Forwarded-For stand for the source address, as behind a real proxy.
    (server.deps.config as { trustedProxies: readonly string[] }).trustedProxies = ['in-process'];
    await server.users.add('alice', 'correct horse battery');
    const browser = new CookieClient(server.app);
    const csrf = hiddenField(await (await browser.get('/login')).text(), 'csrf')!;
    const signIn = (password: string, from: string) =>
      browser.request('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': from },
        body: new URLSearchParams({ csrf, username: 'alice', password }).toString(),
      });
    return { signIn };
  }

  it('25 wrong passwords sent at once: at most the limit (10) are checked, the rest get 429', async () => {
    const { signIn } = await setup();
    const checks = vi.spyOn(server!.users, 'authenticate');
    const answers = await Promise.all(Array.from({ length: 25 }, (_, n) => signIn(`wrong-guess-${n}`, '203.0.113.66')));
    expect(checks.mock.calls.length).toBeLessThanOrEqual(10);
    expect(answers.filter((r) => r.status === 401)).toHaveLength(checks.mock.calls.length);
    expect(answers.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(15);
  });

  it('ten failures from a stranger refuse the stranger, not the person: the right password from another address signs in, slowed down', async () => {
    const throttle = createLoginThrottle({ baseDelayMs: 100 });
    const { signIn } = await setup(throttle);
    for (let n = 0; n < 10; n++) expect((await signIn(`wrong-guess-${n}`, '203.0.113.66')).status).toBe(401);
    expect((await signIn('correct horse battery', '203.0.113.66')).status).toBe(429);
    delays = [];
    const person = await signIn('correct horse battery', '198.51.100.7');
    expect(person.status).toBe(303); // signed in
    // The account was under attack: the check waited first (a slow-down, never a lock).
    expect(delays).toEqual([100]);
    // The success cleared the account's slow-down.
    expect(await throttle.reserve('alice', '198.51.100.8')).toEqual({ allowed: true, delayMs: 0 });
  });

  it('the account-wide slow-down grows with failures from many addresses and stays capped', async () => {
    const throttle = createLoginThrottle({ baseDelayMs: 100, maxDelayMs: 400, slowAccountAfter: 2 });
    const waits: number[] = [];
    for (let n = 0; n < 6; n++) {
      const r = await throttle.reserve('bob', `203.0.113.${n + 1}`);
      if (!r.allowed) throw new Error('a fresh address is never refused here');
      waits.push(r.delayMs);
      await throttle.failed('bob', `203.0.113.${n + 1}`);
    }
    expect(waits).toEqual([0, 0, 100, 200, 400, 400]);
  });
});
