import { describe, expect, it } from 'vitest';
import { runFlow } from '../../src/cli/flow/flow.js';
import type { HttpDeps } from '../../src/cli/flow/http.js';
import type { FlowStep, StepContext } from '../../src/cli/flow/runner.js';
import type { FlowState } from '../../src/cli/flow/state.js';

/** The runner and printer over a fake fetch: no server, a clock that advances 5 ms per reading. */
function fakeHttp(handler: (url: string, init: RequestInit) => Response): HttpDeps {
  let t = 0;
  return { fetch: (async (url: string, init: RequestInit) => handler(url, init)) as typeof fetch, timeoutMs: 1000, now: () => (t += 5) };
}

const state = (): FlowState => ({
  mcpUrl: 'http://127.0.0.1:5001/mcp/v1',
  apiBase: 'http://127.0.0.1:5001',
  expectedIssuer: undefined,
  demoClient: { id: 'demo_client', secret: 'demo_secret' },
});

const tokenStep: FlowStep<FlowState> = {
  diagram: '7-8',
  title: 'get a token',
  follows: 'RFC 6749 §4.1.3',
  async run(ctx: StepContext, s: FlowState) {
    const { json } = await ctx.send({ url: 'http://127.0.0.1:5000/oauth/token', form: { grant_type: 'authorization_code', code: 'SECRETCODE123' } });
    const body = json as { access_token?: string };
    ctx.check(body.access_token, 'no access token', 'got an access token');
    s.tokens = { accessToken: body.access_token, refreshToken: 'r' };
  },
};

const useStep: FlowStep<FlowState> = {
  diagram: '9',
  title: 'use the token',
  follows: 'RFC 6750 §2.1',
  needs: ['tokens'],
  async run(ctx: StepContext, s: FlowState) {
    const { res } = await ctx.send({ url: `${s.apiBase}/api/data`, headers: { authorization: `Bearer ${s.tokens!.accessToken}` } });
    ctx.check(res.status === 200, `HTTP ${res.status}`);
  },
};

const independentStep: FlowStep<FlowState> = {
  diagram: 'CC',
  title: 'independent',
  follows: 'RFC 6749 §4.4',
  async run(ctx: StepContext) {
    ctx.note('ran');
  },
};

describe('the flow runner', () => {
  it('prints each exchange with secrets masked, the spec followed, and a summary; all pass', async () => {
    let out = '';
    const http = fakeHttp((url) =>
      url.endsWith('/token') ? Response.json({ access_token: 'eyJhbGciOiJFUzI1NiJ9.long.token', token_type: 'Bearer' }) : Response.json({ items: [] }),
    );
    const results = await runFlow(state(), { http, write: (s) => void (out += s), color: false }, [tokenStep, useStep]);
    expect(results.map((r) => r.status)).toEqual(['pass', 'pass']);
    expect(out).toContain('━━ Step 7-8 · get a token');
    expect(out).toContain('follows: RFC 6749 §4.1.3');
    expect(out).toContain('code=SECRET…');
    expect(out).toContain('"access_token": "eyJhbG…"');
    expect(out).toContain('authorization: Bearer eyJhbG…');
    expect(out).not.toContain('SECRETCODE123');
    expect(out).not.toContain('eyJhbGciOiJFUzI1NiJ9.long.token');
    expect(out).toContain('✓ got an access token');
    expect(out).toMatch(/Summary[\s\S]*7-8\s+get a token\s+PASS/);
    expect(out).toContain('all 2 steps passed');
    expect(out).not.toContain('\u001b[');
  });

  it('a failed step is reported with its reason; steps needing its output are skipped, others still run', async () => {
    let out = '';
    const http = fakeHttp(() => Response.json({ error: 'invalid_grant' }, { status: 400 }));
    const results = await runFlow(state(), { http, write: (s) => void (out += s), color: false }, [tokenStep, useStep, independentStep]);
    expect(results.map((r) => r.status)).toEqual(['fail', 'skip', 'pass']);
    expect(results[0]!.error).toBe('no access token');
    expect(results[1]!.error).toBe('needs tokens from an earlier step');
    expect(out).toContain('✗ no access token');
    expect(out).toContain('1 of 3 steps passed');
  });

  it('a server that does not answer fails the step with the reason in words', async () => {
    const http: HttpDeps = {
      fetch: (async () => {
        throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      }) as typeof fetch,
      timeoutMs: 1000,
      now: () => 0,
    };
    const results = await runFlow(state(), { http, write: () => undefined, color: false }, [tokenStep]);
    expect(results[0]!.error).toBe('POST http://127.0.0.1:5000/oauth/token: connection refused (is the server running?)');
  });

  it('colours only when asked to', async () => {
    let out = '';
    await runFlow(state(), { http: fakeHttp(() => new Response()), write: (s) => void (out += s), color: true }, [independentStep]);
    expect(out).toContain('\u001b[32mPASS\u001b[39m');
  });
});
