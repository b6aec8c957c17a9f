import type { DoctorContext, Findings } from '../context.js';
import { describeAnswer } from '../probe.js';
import type { Row } from '../report.js';
import { allowsOrigin } from './cors.js';

/**
 * RFC 6749 §5.2, note 12: a token request that cannot succeed (an invented code) must get a JSON error a client
 * can act on, quickly, and readable from a browser (Access-Control-Allow-Origin on the actual response).
 */
export async function checkTokenEndpoint(ctx: DoctorContext, found: Findings): Promise<Row[]> {
  const endpoint = found.as?.doc.token_endpoint;
  if (typeof endpoint !== 'string') return [];
  const r = await ctx.prober.request(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', origin: ctx.corsOrigin },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: 'oauth-mcp-doctor-invalid-code',
      redirect_uri: 'http://127.0.0.1/callback',
      client_id: found.probeClientId ?? 'oauth-mcp-doctor-probe',
      code_verifier: 'oauth-mcp-doctor-probe-verifier-0123456789abcdefghijklmnopqrstuvwxyz',
    }).toString(),
  });
  const check = 'token endpoint answers errors in JSON';
  const error = (r.json as { error?: unknown } | undefined)?.error;
  const rows: Row[] = [];
  if (r.error || r.status >= 500 || typeof error !== 'string') {
    rows.push({ verdict: 'fail', rule: 'RFC 6749 §5.2', check, detail: `an invalid code got ${describeAnswer(r)}${r.text ? `: ${r.text.slice(0, 80)}` : ''}`, ms: r.ms });
  } else {
    rows.push({ verdict: 'pass', rule: 'RFC 6749 §5.2', check, detail: `an invalid code got HTTP ${r.status} {"error": "${error}"}`, ms: r.ms });
  }
  if (!r.error) {
    rows.push(
      allowsOrigin(r.headers, ctx.corsOrigin)
        ? { verdict: 'pass', rule: 'note 12', check: 'CORS: token response readable', detail: `Access-Control-Allow-Origin: ${r.headers.get('access-control-allow-origin')}` }
        : { verdict: 'fail', rule: 'note 12', check: 'CORS: token response readable', detail: 'no Access-Control-Allow-Origin on the token response: a browser-based client cannot read its tokens' },
    );
  }
  return rows;
}
