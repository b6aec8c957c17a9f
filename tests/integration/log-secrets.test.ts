import { afterEach, describe, expect, it } from 'vitest';
import { form, REDIRECT, authorizeUrl, startObservedServers, VERIFIER, type ObservedServers } from '../helpers/observed-servers.js';

describe('logs of a full flow (docs/observability.md, AS-12)', () => {
  let s: ObservedServers;
  afterEach(async () => {
    await s?.close();
  });

  it('register, authorize, token, refresh, MCP call, revoke: no secret, code, token or verifier reaches the log', async () => {
    s = await startObservedServers();
    const secrets: string[] = [VERIFIER];
    // A confidential client, so there is a client secret to leak.
    const reg = await fetch(`${s.issuer}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Leak Test', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_post', grant_types: ['authorization_code', 'refresh_token'] }),
    });
    const { client_id, client_secret } = (await reg.json()) as { client_id: string; client_secret: string };
    secrets.push(client_secret);
    const redirect = await fetch(authorizeUrl(s, client_id), { redirect: 'manual' });
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
    secrets.push(code);
    const auth = { client_id, client_secret };
    // A failure first (wrong secret), so error paths are logged too.
    await fetch(`${s.issuer}/oauth/token`, form({ grant_type: 'authorization_code', code, code_verifier: VERIFIER, redirect_uri: REDIRECT, client_id, client_secret: 'WRONG-secret-never-logged' }));
    secrets.push('WRONG-secret-never-logged');
    const issued = (await (await fetch(`${s.issuer}/oauth/token`, form({ grant_type: 'authorization_code', code, code_verifier: VERIFIER, redirect_uri: REDIRECT, ...auth }))).json()) as {
      access_token: string;
      refresh_token: string;
    };
    secrets.push(issued.access_token, issued.refresh_token);
    const refreshed = (await (await fetch(`${s.issuer}/oauth/token`, form({ grant_type: 'refresh_token', refresh_token: issued.refresh_token, ...auth }))).json()) as {
      access_token: string;
      refresh_token: string;
    };
    secrets.push(refreshed.access_token, refreshed.refresh_token);
    const call = await fetch(`${s.mcpUrl}/mcp/v1/tools/call`, {
      method: 'POST',
      headers: { authorization: `Bearer ${refreshed.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'get_data', arguments: {} }),
    });
    expect(call.status).toBe(200);
    // A token in the query string (RS-7) is refused; the path logged never carries the query.
    await fetch(`${s.mcpUrl}/mcp/v1/tools/list?access_token=${refreshed.access_token}`, { method: 'POST', body: '{}' });
    expect((await fetch(`${s.issuer}/oauth/revoke`, form({ token: refreshed.refresh_token, token_type_hint: 'refresh_token', ...auth }))).status).toBe(200);
    expect((await fetch(`${s.issuer}/oauth/revoke`, form({ token: refreshed.access_token, ...auth }))).status).toBe(200);

    const log = s.lines.join('\n');
    await s.auth.deps.audit.flush(); // audit rows are written behind the response (observability/audit-queue.ts)
    const flow = await s.store.latestFlowForClient(client_id);
    const types = (await s.store.listAuditEvents({ flowIds: [flow!.flowId] })).map((e) => `${e.type}:${e.outcome}`);
    expect(types).toStrictEqual([
      'client_registered:success',
      'authorization_requested:success',
      'consent_given:success',
      'token_issued:failure',
      'token_issued:success',
      'token_refreshed:success',
      'mcp_connected:success',
      'token_revoked:success',
      'token_revoked:success',
    ]);
    expect(s.lines.length).toBeGreaterThan(20);
    for (const secret of secrets) expect(log).not.toContain(secret);
    // Not even a recognisable part of a token (a JWT's signature, the tail of a refresh token).
    for (const t of [issued.access_token, refreshed.access_token]) expect(log).not.toContain(t.split('.')[2]!);
    for (const t of [issued.refresh_token, refreshed.refresh_token, code, client_secret]) expect(log).not.toContain(t.slice(-16));
  });
});
