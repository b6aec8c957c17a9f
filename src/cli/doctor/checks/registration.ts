import { PROBE_CLIENT_NAME, type DoctorContext, type Findings } from '../context.js';
import { describeAnswer, type ProbeResult } from '../probe.js';
import type { Row, Verdict } from '../report.js';

interface RedirectCase {
  check: string;
  rule: string;
  uri: string;
  /** What a refusal costs: a client that cannot connect at all (fail) or a rarer setup (warn). */
  refusal: Verdict;
}

/** The redirect URIs real clients register (interop notes 1-3), loopback ones on random ports. */
export function redirectCases(port: () => number): RedirectCase[] {
  return [
    { check: 'registers http://127.0.0.1:<any port>', rule: 'note 1, AS-7', uri: `http://127.0.0.1:${port()}/callback`, refusal: 'fail' },
    { check: 'registers http://localhost:<any port> (mcp-remote)', rule: 'note 1, AS-7', uri: `http://localhost:${port()}/oauth/callback`, refusal: 'fail' },
    { check: 'registers http://[::1]:<any port>', rule: 'note 1, AS-7', uri: `http://[::1]:${port()}/callback`, refusal: 'warn' },
    { check: 'registers http://127.0.0.1 without a port', rule: 'note 2, AS-7', uri: 'http://127.0.0.1/callback', refusal: 'fail' },
    { check: 'registers cursor:// (Cursor)', rule: 'note 3, AS-7', uri: 'cursor://anysphere.cursor-mcp/oauth/callback', refusal: 'fail' },
  ];
}

function register(ctx: DoctorContext, endpoint: string, uris: string[]): Promise<ProbeResult> {
  return ctx.prober.request(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', origin: ctx.corsOrigin },
    body: JSON.stringify({
      client_name: PROBE_CLIENT_NAME,
      redirect_uris: uris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }),
  });
}

/** The client a 2xx registration created, recorded as a side effect; undefined when nothing was created. */
function created(r: ProbeResult, found: Findings): { clientId: string; redirectUris: unknown } | undefined {
  if (r.status < 200 || r.status >= 300) return undefined;
  const body = r.json as { client_id?: unknown; redirect_uris?: unknown } | undefined;
  if (typeof body?.client_id !== 'string') return undefined;
  found.registeredClients.push({ clientId: body.client_id, redirectUris: Array.isArray(body.redirect_uris) ? body.redirect_uris.map(String) : [] });
  found.probeClientId ??= body.client_id;
  return { clientId: body.client_id, redirectUris: body.redirect_uris };
}

function refusalText(r: ProbeResult, uri: string): string {
  const body = r.json as { error?: string; error_description?: string } | undefined;
  const said = body?.error ? `${body.error}${body.error_description ? `: ${body.error_description}` : ''}` : describeAnswer(r);
  // Note 3: a refusal should say which URI broke which rule.
  const named = r.text.includes(uri) ? '' : ' (the error does not say which URI was refused, note 3)';
  return `refused: ${said}${named}`;
}

/**
 * AS-4, AS-7, notes 1-3: dynamic registration (RFC 7591) of the redirect URIs real clients use. All are tried in
 * one registration first; if that is refused, each alone, so each refusal is attributed. Registered URIs must come
 * back unchanged (no localhost ↔ 127.0.0.1 rewriting, no silent drops).
 */
export async function checkRegistration(ctx: DoctorContext, found: Findings): Promise<Row[]> {
  const endpoint = found.as?.doc.registration_endpoint;
  if (typeof endpoint !== 'string') return [];
  const cases = redirectCases(ctx.randomPort);
  if (!ctx.register) return cases.map((c) => ({ verdict: 'skip', rule: c.rule, check: c.check, detail: 'skipped (--no-register)' }));

  const all = await register(ctx, endpoint, cases.map((c) => c.uri));
  const client = created(all, found);
  if (client) {
    const back = Array.isArray(client.redirectUris) ? client.redirectUris.map(String) : [];
    return cases.map((c) => {
      const kept = back.includes(c.uri);
      const detail = kept
        ? `accepted in one registration (client ${client.clientId}): ${c.uri}`
        : `accepted, but ${c.uri} is not among the registered redirect_uris ${JSON.stringify(back)}: dropped or rewritten silently (notes 1, 3)`;
      return { verdict: kept ? 'pass' : 'fail', rule: c.rule, check: c.check, detail, ms: all.ms };
    });
  }
  const rows: Row[] = [];
  for (const c of cases) {
    const r = await register(ctx, endpoint, [c.uri]);
    const one = created(r, found);
    if (!one) {
      rows.push({ verdict: r.error ? 'fail' : c.refusal, rule: c.rule, check: c.check, detail: `${c.uri}: ${r.error ?? refusalText(r, c.uri)}`, ms: r.ms });
      continue;
    }
    const back = Array.isArray(one.redirectUris) ? one.redirectUris.map(String) : [];
    rows.push(
      back.includes(c.uri)
        ? { verdict: 'pass', rule: c.rule, check: c.check, detail: `accepted alone (client ${one.clientId}): ${c.uri}`, ms: r.ms }
        : { verdict: 'fail', rule: c.rule, check: c.check, detail: `accepted, but came back as ${JSON.stringify(back)} (rewritten, note 1)`, ms: r.ms },
    );
  }
  return rows;
}
