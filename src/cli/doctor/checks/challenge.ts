import type { DoctorContext, Findings } from '../context.js';
import { describeAnswer } from '../probe.js';
import type { Row } from '../report.js';
import { parseChallenge } from '../www-authenticate.js';

/**
 * RS-3: an MCP request without a token gets 401 and `WWW-Authenticate: Bearer resource_metadata="…"` (RFC 9728
 * §5.1), with no error attribute since no token was sent (RFC 6750 §3.1). The first thing every client sees.
 */
export async function checkChallenge(ctx: DoctorContext, found: Findings): Promise<Row[]> {
  // As a desktop client sends it: no Origin header (a browser's Origin is the server's allowlist to judge, TR-5).
  const r = await ctx.prober.request(ctx.mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'oauth-mcp doctor', version: '1.0' } },
    }),
  });
  const check = '401 challenge on initialize without a token';
  if (r.status !== 401) {
    const hint = r.error ? '' : r.status === 404 || r.status === 405 ? ' (is this the MCP endpoint URL?)' : ' (the endpoint does not ask for OAuth)';
    return [{ verdict: 'fail', rule: 'RS-3', check, detail: `expected 401, got ${describeAnswer(r)}${hint}`, ms: r.ms }];
  }
  const header = r.headers.get('www-authenticate');
  const challenge = header ? parseChallenge(header) : undefined;
  if (challenge?.scheme !== 'bearer') {
    return [{ verdict: 'fail', rule: 'RS-3', check, detail: `401 without a Bearer challenge (WWW-Authenticate: ${header ?? 'absent'})`, ms: r.ms }];
  }
  const rows: Row[] = [];
  const metadata = challenge.params.resource_metadata;
  if (metadata && URL.canParse(metadata)) {
    found.resourceMetadataUrl = metadata;
    rows.push({ verdict: 'pass', rule: 'RS-3', check, detail: `Bearer resource_metadata="${metadata}"${challenge.params.scope ? `, scope="${challenge.params.scope}"` : ''}`, ms: r.ms });
  } else {
    rows.push({
      verdict: 'warn',
      rule: 'RS-3',
      check,
      detail: `401 Bearer without a usable resource_metadata (RFC 9728 §5.1); clients must guess the well-known URLs: ${header}`,
      ms: r.ms,
    });
  }
  const error = challenge.params.error;
  rows.push(
    error
      ? { verdict: 'warn', rule: 'RS-3', check: 'no error attribute when no token was sent', detail: `error="${error}" with no token (RFC 6750 §3.1 says SHOULD NOT)` }
      : { verdict: 'pass', rule: 'RS-3', check: 'no error attribute when no token was sent', detail: 'RFC 6750 §3.1' },
  );
  return rows;
}
