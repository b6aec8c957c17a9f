import type { DoctorContext, Findings } from '../context.js';
import { describeAnswer } from '../probe.js';
import type { Row } from '../report.js';

/** Whether a CORS response lets `origin` read it. */
export function allowsOrigin(headers: Headers, origin: string): boolean {
  const allowed = headers.get('access-control-allow-origin');
  return allowed === '*' || allowed === origin;
}

function allowsHeaders(headers: Headers, wanted: string[]): string[] {
  const allowed = (headers.get('access-control-allow-headers') ?? '').toLowerCase().split(',').map((h) => h.trim());
  if (allowed.includes('*')) return [];
  return wanted.filter((h) => !allowed.includes(h.toLowerCase()));
}

/**
 * Note 12: a browser-based client (the MCP Inspector, web IDEs) sends a CORS preflight before it may fetch
 * metadata with the MCP-Protocol-Version header, or POST JSON to the registration and token endpoints.
 */
async function preflight(ctx: DoctorContext, check: string, url: string, method: 'GET' | 'POST', requestHeaders: string[]): Promise<Row> {
  const r = await ctx.prober.request(url, {
    method: 'OPTIONS',
    headers: { origin: ctx.corsOrigin, 'access-control-request-method': method, 'access-control-request-headers': requestHeaders.join(',') },
  });
  if (r.error || r.status >= 400 || !allowsOrigin(r.headers, ctx.corsOrigin)) {
    const seen = r.error ? r.error : `${describeAnswer(r)}, Access-Control-Allow-Origin: ${r.headers.get('access-control-allow-origin') ?? 'absent'}`;
    return { verdict: 'fail', rule: 'note 12', check, detail: `OPTIONS ${url} from ${ctx.corsOrigin}: ${seen}; browser-based clients cannot ${method === 'GET' ? 'read it' : 'post to it'}`, ms: r.ms };
  }
  const refused = allowsHeaders(r.headers, requestHeaders);
  if (refused.length) {
    // The MCP SDK retries a metadata fetch without MCP-Protocol-Version when the preflight refuses it.
    const verdict = method === 'GET' ? 'warn' : 'fail';
    return { verdict, rule: 'note 12', check, detail: `OPTIONS ${url}: request header(s) ${refused.join(', ')} not allowed`, ms: r.ms };
  }
  return { verdict: 'pass', rule: 'note 12', check, detail: `OPTIONS ${url}: allowed for ${ctx.corsOrigin}`, ms: r.ms };
}

export async function checkCors(ctx: DoctorContext, found: Findings): Promise<Row[]> {
  const rows: Row[] = [];
  if (found.prm) rows.push(await preflight(ctx, 'CORS: resource metadata', found.prm.url, 'GET', ['mcp-protocol-version']));
  if (!found.as) return rows;
  rows.push(await preflight(ctx, 'CORS: AS metadata', found.as.url, 'GET', ['mcp-protocol-version']));
  const doc = found.as.doc;
  if (typeof doc.token_endpoint === 'string') rows.push(await preflight(ctx, 'CORS: token endpoint', doc.token_endpoint, 'POST', ['content-type']));
  if (typeof doc.registration_endpoint === 'string') {
    rows.push(await preflight(ctx, 'CORS: registration endpoint', doc.registration_endpoint, 'POST', ['content-type']));
  }
  return rows;
}
