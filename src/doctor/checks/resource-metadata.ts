import type { DoctorContext, Findings } from '../context.js';
import { describeAnswer, jsonObject, type ProbeResult } from '../probe.js';
import type { Row } from '../report.js';
import { protectedResourceMetadataUrls, sameButTrailingSlash } from '../well-known.js';

/**
 * Whether a metadata document's `resource` covers the MCP endpoint the way the MCP SDK's client checks it: the
 * same origin, and the endpoint's path at or below the resource's path.
 */
function covers(resource: string, mcpUrl: string): boolean {
  if (!URL.canParse(resource)) return false;
  const r = new URL(resource);
  const m = new URL(mcpUrl);
  const rp = r.pathname.endsWith('/') ? r.pathname : `${r.pathname}/`;
  const mp = m.pathname.endsWith('/') ? m.pathname : `${m.pathname}/`;
  return r.origin === m.origin && mp.startsWith(rp);
}

/** Judges one RFC 9728 document (RS-1): a resource covering the endpoint and at least one authorization server. */
function judge(r: ProbeResult, mcpUrl: string, check: string, missingVerdict: Row['verdict']): { row: Row; doc?: Record<string, unknown> } {
  const doc = jsonObject(r);
  if (!doc) {
    const served = r.status === 200 ? 'answers 200 but not with a JSON object (half-built, note 4)' : `not served: ${describeAnswer(r)}`;
    const verdict = r.status === 200 || r.error ? 'fail' : missingVerdict;
    return { row: { verdict, rule: 'RS-2, note 6', check, detail: `${r.url}: ${served}`, ms: r.ms } };
  }
  const resource = doc.resource;
  const servers = doc.authorization_servers;
  const problems: string[] = [];
  let verdict: Row['verdict'] = 'pass';
  if (typeof resource !== 'string') problems.push('no resource');
  else if (sameButTrailingSlash(resource, mcpUrl)) {
    verdict = 'warn';
    problems.push(`resource "${resource}" differs from "${mcpUrl}" only by a trailing slash (note 5)`);
  } else if (!covers(resource, mcpUrl)) problems.push(`resource "${resource}" does not cover ${mcpUrl} (RFC 9728 §3.3)`);
  if (!Array.isArray(servers) || servers.length === 0 || !servers.every((s) => typeof s === 'string' && URL.canParse(s))) {
    problems.push('authorization_servers is missing, empty or not a list of URLs');
  }
  if (problems.length && verdict === 'pass') verdict = 'fail';
  if (verdict === 'fail') return { row: { verdict, rule: 'RS-1', check, detail: `${r.url}: ${problems.join('; ')}`, ms: r.ms } };
  if (!Array.isArray(doc.scopes_supported)) {
    verdict = 'warn';
    problems.push('no scopes_supported: clients cannot tell which scopes to ask for');
  }
  const detail = problems.length ? `${r.url}: ${problems.join('; ')}` : `${r.url} → authorization_servers ${JSON.stringify(servers)}`;
  return { row: { verdict, rule: 'RS-1, RS-2', check, detail, ms: r.ms }, doc };
}

/**
 * RS-1, RS-2, note 6: Protected Resource Metadata at the URL the challenge names, at the path-aware well-known URL
 * and at the root one. Clients differ in which they try, so each missing form is a warning; none at all is a
 * failure. The document used afterwards is the first valid one in the order clients try them.
 */
export async function checkResourceMetadata(ctx: DoctorContext, found: Findings): Promise<Row[]> {
  const { pathAware, root } = protectedResourceMetadataUrls(ctx.mcpUrl);
  const candidates: { check: string; url: string }[] = [];
  if (found.resourceMetadataUrl) candidates.push({ check: 'resource metadata at the challenge URL', url: found.resourceMetadataUrl });
  if (pathAware) candidates.push({ check: 'resource metadata, path-aware well-known', url: pathAware });
  candidates.push({ check: 'resource metadata, root well-known', url: root });

  const rows: Row[] = [];
  const seen = new Map<string, Row>();
  for (const c of candidates) {
    const earlier = seen.get(c.url);
    if (earlier) {
      rows.push({ ...earlier, check: c.check, detail: `same URL as above: ${c.url}`, ms: undefined });
      continue;
    }
    const r = await ctx.prober.request(c.url, { headers: { accept: 'application/json', 'mcp-protocol-version': '2025-06-18' } });
    const { row, doc } = judge(r, ctx.mcpUrl, c.check, 'warn');
    seen.set(c.url, row);
    rows.push(row);
    if (doc && !found.prm && row.verdict !== 'fail') found.prm = { url: c.url, doc };
  }
  const servers = found.prm?.doc.authorization_servers as string[] | undefined;
  if (!found.prm) {
    rows.push({ verdict: 'fail', rule: 'RS-1', check: 'a client can discover the authorization server', detail: 'no usable protected resource metadata at any URL clients try' });
  } else {
    found.issuer = servers![0];
  }
  return rows;
}
