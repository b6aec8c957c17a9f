import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RULES } from '../../src/oauth/rules.js';
import { JwksCache } from '../../src/resource-server/jwks-source.js';
import { JwtVerifier } from '../../src/resource-server/jwt-verifier.js';
import {
  authorizeForCode,
  authorizeUrl,
  form,
  REDIRECT,
  registerClient,
  startObservedServers,
  VERIFIER,
  type ObservedServers,
} from '../helpers/observed-servers.js';

let s: ObservedServers;
beforeEach(async () => {
  s = await startObservedServers();
});
afterEach(async () => {
  await s?.close();
});

/** The value of one sample of a metric in Prometheus text, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.indexOf('}'));
    if (Object.entries(labels).every(([k, v]) => inside.includes(`${k}="${v}"`))) return Number(line.slice(line.indexOf('}') + 1));
  }
  return 0;
}
const metrics = async (base: string) => (await fetch(`${base}/metrics`)).text();
const token = (body: Record<string, string>) => fetch(`${s.issuer}/oauth/token`, form(body));

describe('request ids (docs/observability.md)', () => {
  it('every response of both servers carries X-Request-Id; a short safe incoming id is kept, anything else replaced', async () => {
    for (const base of [s.issuer, s.mcpUrl]) {
      const fresh = await fetch(`${base}/health`);
      expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const kept = await fetch(`${base}/health`, { headers: { 'x-request-id': 'trace-42.abc_DEF' } });
      expect(kept.headers.get('x-request-id')).toBe('trace-42.abc_DEF');
      const unsafe = await fetch(`${base}/nowhere`, { headers: { 'x-request-id': 'evil"\\injected id with spaces' } });
      expect(unsafe.status).toBe(404);
      expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const long = await fetch(`${base}/health`, { headers: { 'x-request-id': 'a'.repeat(65) } });
      expect(long.headers.get('x-request-id')).not.toBe('a'.repeat(65));
    }
    const logged = s.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.some((l) => l.reqId === 'trace-42.abc_DEF')).toBe(true);
  });

  it('interop note 14: the log lines of one client share its flow id, from registration to the first MCP call', async () => {
    const clientId = await registerClient(s);
    const code = await authorizeForCode(s, clientId);
    const res = await token({ grant_type: 'authorization_code', code, code_verifier: VERIFIER, redirect_uri: REDIRECT, client_id: clientId });
    const { access_token } = (await res.json()) as { access_token: string };
    const call = await fetch(`${s.mcpUrl}/mcp/v1/tools/list`, { method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' }, body: '{}' });
    expect(call.status).toBe(200);

    await s.auth.deps.audit.flush(); // audit rows are written behind the response (observability/audit-queue.ts)
    const flow = await s.store.latestFlowForClient(clientId);
    expect(flow?.mcpAt).not.toBeNull();
    const lines = s.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.flowId === flow!.flowId);
    const paths = new Set(lines.filter((l) => l.msg === 'request').map((l) => l.path));
    expect([...paths].sort()).toStrictEqual(['/mcp/v1/tools/list', '/oauth/authorize', '/oauth/register', '/oauth/token']);
    // Each request's lines carry its own request id as well.
    expect(new Set(lines.map((l) => l.reqId)).size).toBe(4);
    const types = (await s.store.listAuditEvents({ flowIds: [flow!.flowId] })).map((e) => e.type);
    expect(types).toStrictEqual(['client_registered', 'authorization_requested', 'consent_given', 'token_issued', 'mcp_connected']);
  });
});

describe('flows of one client used by several people (a CIMD or demo client, interop note 14)', () => {
  it("each authorization keeps its own flow for its token, its refreshes and its first MCP call, whatever later authorizations of the client do", async () => {
    const clientId = await registerClient(s);
    const exchange = async () => {
      const code = await authorizeForCode(s, clientId);
      const res = await token({ grant_type: 'authorization_code', code, code_verifier: VERIFIER, redirect_uri: REDIRECT, client_id: clientId });
      expect(res.status).toBe(200);
      return (await res.json()) as { access_token: string; refresh_token: string };
    };
    const first = await exchange();
    await s.auth.deps.audit.flush(); // the first flow's token time is written, so the next authorization starts a flow of its own
    const firstFlow = (await s.store.latestFlowForClient(clientId))!.flowId;
    const second = await exchange();
    await s.auth.deps.audit.flush();
    const secondFlow = (await s.store.latestFlowForClient(clientId))!.flowId;
    expect(secondFlow).not.toBe(firstFlow);

    // The first person's refresh and first MCP call, after the second authorization: still in the first flow.
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: clientId });
    expect(refreshed.status).toBe(200);
    const call = (accessToken: string) =>
      fetch(`${s.mcpUrl}/mcp/v1/tools/list`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' }, body: '{}' });
    expect((await call(first.access_token)).status).toBe(200);
    expect((await call(second.access_token)).status).toBe(200);
    await s.auth.deps.audit.flush();
    const types = async (flowId: string) => (await s.store.listAuditEvents({ flowIds: [flowId] })).map((e) => e.type);
    expect(await types(firstFlow)).toStrictEqual(['client_registered', 'authorization_requested', 'consent_given', 'token_issued', 'token_refreshed', 'mcp_connected']);
    expect(await types(secondFlow)).toStrictEqual(['authorization_requested', 'consent_given', 'token_issued', 'mcp_connected']);
    expect((await s.store.getFlow(firstFlow))?.mcpAt).not.toBeNull();
    expect((await s.store.getFlow(secondFlow))?.mcpAt).not.toBeNull();
  });
});

describe('authorizations of a client that never registered', () => {
  it('each starts a flow of its own: two people authorizing the demo client before either has a token are apart', async () => {
    const demo = s.config.demo.clientId;
    await authorizeForCode(s, demo);
    const one = (await s.store.latestFlowForClient(demo))!.flowId;
    await authorizeForCode(s, demo);
    const two = (await s.store.latestFlowForClient(demo))!.flowId;
    expect(two).not.toBe(one);
    await s.auth.deps.audit.flush();
    for (const flowId of [one, two]) {
      expect((await s.store.listAuditEvents({ flowIds: [flowId] })).map((e) => e.type)).toStrictEqual(['authorization_requested', 'consent_given']);
    }
    // A registered client's repeated authorization still joins its registration's flow (one attempt, interop note 14).
    const registered = await registerClient(s);
    await authorizeForCode(s, registered);
    await authorizeForCode(s, registered);
    await s.auth.deps.audit.flush();
    const flow = (await s.store.latestFlowForClient(registered))!.flowId;
    expect((await s.store.listAuditEvents({ flowIds: [flow] })).map((e) => e.type)).toStrictEqual(['client_registered', 'authorization_requested', 'consent_given', 'authorization_requested', 'consent_given']);
  });
});

describe('GET /metrics (docs/observability.md)', () => {
  it('requests by route and status, latency, tokens by grant and refusals by reason move as requests are made', async () => {
    const before = await metrics(s.issuer);
    expect(before).toContain('# TYPE http_request_duration_seconds histogram');
    const clientId = await registerClient(s);
    const code = await authorizeForCode(s, clientId);
    await token({ grant_type: 'authorization_code', code, code_verifier: 'W'.repeat(50), redirect_uri: REDIRECT, client_id: clientId });
    await token({ grant_type: 'authorization_code', code, code_verifier: VERIFIER, redirect_uri: REDIRECT, client_id: clientId });
    const after = await metrics(s.issuer);

    expect(sample(after, 'http_requests_total', { route: '/oauth/token', method: 'POST', status: '400' })).toBe(1);
    expect(sample(after, 'http_requests_total', { route: '/oauth/token', method: 'POST', status: '200' })).toBe(1);
    expect(sample(after, 'http_requests_total', { route: '/oauth/register', status: '201' })).toBe(1);
    expect(sample(after, 'http_request_duration_seconds_count', { route: '/oauth/token', method: 'POST' })).toBe(2);
    expect(sample(after, 'oauth_tokens_issued_total', { grant_type: 'authorization_code' })).toBe(1);
    expect(sample(after, 'auth_failures_total', { endpoint: 'token', reason: 'invalid_grant' })).toBe(1);
    expect(after).toContain('service="oauth-server"');
    // Unknown paths are one label, not one per path.
    await fetch(`${s.issuer}/no/such/${Math.random()}`);
    expect(sample(await metrics(s.issuer), 'http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
  });

  it('the resource server counts refusals by reason (RS-3, RS-4) and reports its open sessions', async () => {
    const mcp = `${s.mcpUrl}/mcp/v1/tools/list`;
    await fetch(mcp, { method: 'POST', body: '{}' });
    await fetch(mcp, { method: 'POST', body: '{}', headers: { authorization: 'Bearer not.a.jwt' } });
    const text = await metrics(s.mcpUrl);
    expect(sample(text, 'auth_failures_total', { endpoint: 'mcp', reason: 'missing_token' })).toBe(1);
    expect(sample(text, 'auth_failures_total', { endpoint: 'mcp', reason: 'invalid_token:malformed_token' })).toBe(1);
    expect(sample(text, 'http_requests_total', { route: '/mcp/v1/tools/list', status: '401' })).toBe(2);
    expect(text).toContain('mcp_active_sessions{transport="streamable_http",service="mcp-server"} 0');
    expect(text).not.toContain('process_cpu'); // a registry of its own, not prom-client's global default metrics
  });
});

describe('METRICS_TOKEN', () => {
  it('when set, /metrics of both servers answers only its bearer token (401 with a Bearer challenge otherwise); /ready stays open', async () => {
    const secured = await startObservedServers({ LOG_LEVEL: 'silent', METRICS_TOKEN: 'scrape-token-0123456789' });
    try {
      for (const base of [secured.issuer, secured.mcpUrl]) {
        const none = await fetch(`${base}/metrics`);
        expect(none.status).toBe(401);
        expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
        expect(await none.text()).not.toContain('http_requests_total');
        expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789x' } })).status).toBe(401);
        const ok = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } });
        expect(ok.status).toBe(200);
        expect(await ok.text()).toContain('http_requests_total');
        expect((await fetch(`${base}/ready`)).status).toBe(200);
      }
    } finally {
      await secured.close();
    }
  });
});

describe('GET /ready (docs/observability.md)', () => {
  it('is ready on both servers with the database reachable and keys loaded; 503 naming the database once it is closed', async () => {
    for (const base of [s.issuer, s.mcpUrl]) {
      const res = await fetch(`${base}/ready`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', keys: 'ok' } });
    }
    await s.store.close();
    for (const base of [s.issuer, s.mcpUrl]) {
      const res = await fetch(`${base}/ready`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'not_ready', checks: { database: 'failed', keys: 'ok' } });
    }
    // Liveness is not readiness: the process still answers /health (the auth server's checks the database too).
    expect((await fetch(`${s.mcpUrl}/health`)).status).toBe(200);
  });

  it("the MCP server's keys check fails while the issuer's JWKS cannot be fetched, and passes once it can", async () => {
    let up = false;
    const clock = () => 1_800_000_000;
    const keys = new JwksCache({ clock, retryAfterFailureSeconds: 0, fetchJwks: async () => {
      if (!up) throw new Error('connection refused');
      return { keys: [] };
    } });
    const verifier = new JwtVerifier({ issuer: 'http://127.0.0.1:9', audiences: ['http://127.0.0.1:9/mcp/v1'], clock, keys });
    await expect(verifier.ready()).rejects.toThrow(/JWKS/);
    up = true;
    await expect(verifier.ready()).resolves.toBeUndefined();
  });
});

describe('audit events (docs/observability.md)', () => {
  it('AS-7: a redirect_uri that is not registered is recorded in the client flow with its rule', async () => {
    const clientId = await registerClient(s);
    const res = await fetch(authorizeUrl(s, clientId, { redirect_uri: 'https://evil.example/cb' }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    await s.auth.deps.audit.flush(); // audit rows are written behind the response (observability/audit-queue.ts)
    const events = await s.store.listAuditEvents({ clientId });
    expect(events.map((e) => [e.type, e.outcome])).toStrictEqual([
      ['client_registered', 'success'],
      ['authorization_requested', 'failure'],
    ]);
    expect(events[1]).toMatchObject({ rule: RULES.redirectUriNotRegistered, error: 'invalid_request', flowId: events[0]!.flowId });
    expect(events[1]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('AS-3: a wrong code_verifier is recorded with its rule; a replayed code as reuse detected', async () => {
    const clientId = await registerClient(s);
    const code = await authorizeForCode(s, clientId);
    const exchange = (verifier: string) => token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: clientId });
    expect((await exchange('x'.repeat(43))).status).toBe(400);
    expect((await exchange(VERIFIER)).status).toBe(200);
    expect((await exchange(VERIFIER)).status).toBe(400);
    await s.auth.deps.audit.flush(); // audit rows are written behind the response (observability/audit-queue.ts)
    const events = await s.store.listAuditEvents({ clientId });
    const refusals = events.filter((e) => e.outcome === 'failure').map((e) => [e.type, e.rule, e.error]);
    expect(refusals).toStrictEqual([
      ['token_issued', RULES.codeVerifierMismatch, 'invalid_grant'],
      ['reuse_detected', RULES.codeReplayed, 'invalid_grant'],
      ['token_issued', RULES.codeReplayed, 'invalid_grant'],
    ]);
    // One flow holds all of it.
    expect(new Set(events.map((e) => e.flowId)).size).toBe(1);
  });

  it('an unauthenticated client_id never starts a flow, and a refused registration names its rule without one', async () => {
    await token({ grant_type: 'authorization_code', code: 'c', code_verifier: VERIFIER, client_id: 'no-such-client' });
    await fetch(`${s.issuer}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: ['javascript:alert(1)'] }) });
    await s.auth.deps.audit.flush(); // audit rows are written behind the response (observability/audit-queue.ts)
    const events = await s.store.listAuditEvents();
    expect(events.map((e) => [e.type, e.outcome, e.flowId, e.rule])).toStrictEqual([
      ['token_issued', 'failure', null, RULES.clientAuthFailed],
      ['client_registered', 'failure', null, expect.stringMatching(/^AS-/)],
    ]);
    expect(await s.store.listFlows()).toStrictEqual([]);
  });
});
