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
  const hard: string[] = [];
  const soft: string[] = [];
  if (typeof resource !== 'string') hard.push('no resource');
  else if (sameButTrailingSlash(resource, mcpUrl)) soft.push(`resource "${resource}" differs from "${mcpUrl}" only by a trailing slash (note 5)`);
  else if (!covers(resource, mcpUrl)) hard.push(`resource "${resource}" does not cover ${mcpUrl} (RFC 9728 §3.3)`);
  if (!Array.isArray(servers) || servers.length === 0 || !servers.every((s) => typeof s === 'string' && URL.canParse(s))) {
    hard.push('authorization_servers is missing, empty or not a list of URLs');
  }
  if (hard.length) return { row: { verdict: 'fail', rule: 'RS-1', check, detail: `${r.url}: ${[...hard, ...soft].join('; ')}`, ms: r.ms } };
  if (!Array.isArray(doc.scopes_supported)) soft.push('no scopes_supported: clients cannot tell which scopes to ask for');
  const verdict: Row['verdict'] = soft.length ? 'warn' : 'pass';
  const detail = soft.length ? `${r.url}: ${soft.join('; ')}` : `${r.url} → authorization_servers ${JSON.stringify(servers)}`;
  return { row: { verdict, rule: 'RS-1, RS-2', check, detail, ms: r.ms }, doc };
}

/**
 * RS-1, RS-2, note 6: Protected Resource Metadata at the URL the challenge names, at the path-aware well-known URL
 * and at the root one. Clients differ in which they try, so each missing form is a warning; none at all is a
 * failure. The document used afterwards is the first valid one in the order clients try them.
 */
export async function checkResourceMetadata(ctx: DoctorContext, found: Findings): Promise<Row[]> {
  const { pathAware, root } = protectedResourceMetadataUrls(ctx.mcpUrl);
  // One probe per URL; when the challenge names a well-known URL, its row says so.
  const candidates = new Map<string, string[]>();
  const add = (url: string, label: string) => candidates.set(url, [...(candidates.get(url) ?? []), label]);
  if (found.resourceMetadataUrl) add(found.resourceMetadataUrl, 'the challenge URL');
  if (pathAware) add(pathAware, 'path-aware well-known');
  add(root, 'root well-known');

  const rows: Row[] = [];
  for (const [url, labels] of candidates) {
    const r = await ctx.prober.request(url, { headers: { accept: 'application/json', 'mcp-protocol-version': '2025-06-18' } });
    const { row, doc } = judge(r, ctx.mcpUrl, `resource metadata at ${labels.join(' = ')}`, labels.includes('the challenge URL') ? 'fail' : 'warn');
    rows.push(row);
    if (doc && !found.prm) found.prm = { url, doc };
  }
  const servers = found.prm?.doc.authorization_servers as string[] | undefined;
  if (!found.prm) {
    rows.push({ verdict: 'fail', rule: 'RS-1', check: 'a client can discover the authorization server', detail: 'no usable protected resource metadata at any URL clients try' });
  } else {
    found.issuer = servers![0];
  }
  return rows;
}
