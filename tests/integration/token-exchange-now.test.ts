import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenExchange, type TokenAnswer, type TokenExchange, type TokenRequest } from '../../src/auth-server/token-request.js';
import { runWithLogContext } from '../../src/log/context.js';
import { makeAuthServer } from '../helpers/auth-server.js';

/**
 * The token endpoint's logic answers at once, without a promise, when nothing has to wait (a cached client's
 * client_credentials: auth-server/token-request.ts); the audit row, its request id and the refusals are the same
 * as when it waits.
 */
describe('tokenExchange answers a cached client at once', () => {
  let s: Awaited<ReturnType<typeof makeAuthServer>>;
  let exchange: TokenExchange;
  const basic = (secret: string) => `Basic ${Buffer.from(`demo_client:${secret}`).toString('base64')}`;
  const cc = (secret: string): TokenRequest => ({ contentType: 'application/x-www-form-urlencoded', authorization: basic(secret), dpop: undefined, body: 'grant_type=client_credentials&scope=read' });

  beforeAll(async () => {
    s = await makeAuthServer({ DEMO_MODE: 'true' });
    exchange = tokenExchange(s.deps);
  });
  afterAll(() => s.close());

  it('issues without a promise once the client is cached, and queues its audit row under the request id', async () => {
    await runWithLogContext({ reqId: 'warm' }, () => exchange(cc('demo_secret'))); // the client's first lookup may take the store
    const answer = runWithLogContext({ reqId: 'at-once' }, () => exchange(cc('demo_secret')));
    expect(answer).not.toBeInstanceOf(Promise);
    expect((answer as TokenAnswer).status).toBe(200);
    expect((answer as TokenAnswer).headers).toMatchObject({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    await s.deps.audit.flush();
    const events = await s.store.listAuditEvents({ clientId: 'demo_client', limit: 50 });
    expect(events.some((e) => e.type === 'token_issued' && e.outcome === 'success' && e.requestId === 'at-once')).toBe(true);
  });

  it('refuses a wrong secret with 401 and a Basic challenge, and records the refusal', async () => {
    const answer = await runWithLogContext({ reqId: 'refused' }, () => exchange(cc('wrong')));
    expect(answer.status).toBe(401);
    expect(answer.headers['WWW-Authenticate']).toMatch(/^Basic /);
    await s.deps.audit.flush();
    const events = await s.store.listAuditEvents({ clientId: 'demo_client', limit: 50 });
    expect(events.some((e) => e.outcome === 'failure' && e.error === 'invalid_client' && e.requestId === 'refused')).toBe(true);
  });
});
