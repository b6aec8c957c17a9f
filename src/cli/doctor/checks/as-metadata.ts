import type { DoctorContext, Findings } from '../context.js';
import { describeAnswer, jsonObject } from '../probe.js';
import type { Row } from '../report.js';
import { authorizationServerMetadataUrls, sameButTrailingSlash } from '../well-known.js';

/** Fields a client needs from any metadata document it may land on (note 4: a half-built one broke discovery). */
const REQUIRED = ['authorization_endpoint', 'token_endpoint', 'response_types_supported'] as const;
/** Fields that must agree between the documents a server serves (note 4: consistent at every URL). */
const MUST_AGREE = ['authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'jwks_uri', 'code_challenge_methods_supported'];

function disagreements(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return MUST_AGREE.filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]));
}

/**
 * AS-1, notes 4-6: the authorization server's metadata at every well-known URL clients build from the issuer
 * (RFC 8414 §3.1), each with `issuer` identical to the one the resource named (RFC 8414 §3.3: compared exactly, so
 * a trailing slash is a mismatch), complete, and consistent with the others.
 */
export async function checkAuthorizationServerMetadata(ctx: DoctorContext, found: Findings): Promise<Row[]> {
  const issuer = found.issuer;
  if (!issuer) return [{ verdict: 'skip', rule: 'AS-1', check: 'authorization server metadata', detail: 'no authorization server was discovered' }];
  const rows: Row[] = [];
  // A document clients would refuse (wrong issuer) still tells the later checks where the endpoints are.
  let refused: { url: string; doc: Record<string, unknown> } | undefined;
  for (const { label, url, optional } of authorizationServerMetadataUrls(issuer)) {
    const check = `AS metadata, ${label}`;
    const r = await ctx.prober.request(url, { headers: { accept: 'application/json', 'mcp-protocol-version': '2025-06-18' } });
    const doc = jsonObject(r);
    if (!doc) {
      const broken = r.status === 200 || r.error;
      const detail = `${url}: ${r.status === 200 ? 'answers 200 but not with a JSON object (note 4)' : `not served: ${describeAnswer(r)}`}`;
      rows.push({ verdict: broken ? 'fail' : optional ? 'skip' : 'warn', rule: broken ? 'note 4' : 'note 6', check, detail: broken || optional ? detail : `${detail}; clients that try only this URL fail`, ms: r.ms });
      continue;
    }
    const got = doc.issuer;
    if (got !== issuer) {
      const why =
        typeof got === 'string' && sameButTrailingSlash(got, issuer)
          ? `issuer "${got}" ≠ "${issuer}": only a trailing slash, but clients compare exactly (note 5)`
          : `issuer ${JSON.stringify(got)} ≠ "${issuer}"`;
      // A root document of an issuer with a path may belong to another issuer on the same host.
      rows.push({ verdict: optional ? 'warn' : 'fail', rule: 'AS-1', check, detail: `${url}: ${why} (RFC 8414 §3.3)`, ms: r.ms });
      if (!optional) refused ??= { url, doc };
      continue;
    }
    const absent = REQUIRED.filter((f) => doc[f] === undefined);
    const differs = found.as ? disagreements(found.as.doc, doc) : [];
    if (absent.length || differs.length) {
      const why = [absent.length ? `missing ${absent.join(', ')}` : '', differs.length ? `differs from ${found.as!.url} in ${differs.join(', ')}` : '']
        .filter(Boolean)
        .join('; ');
      rows.push({ verdict: 'fail', rule: 'AS-1, note 4', check, detail: `${url}: ${why}`, ms: r.ms });
      continue;
    }
    found.as ??= { url, doc };
    rows.push({ verdict: 'pass', rule: 'AS-1', check, detail: `${url}: issuer "${issuer}" matches exactly`, ms: r.ms });
  }
  if (!found.as) {
    const then = refused ? `; the checks below use ${refused.url} anyway` : '';
    rows.push({ verdict: 'fail', rule: 'AS-1', check: 'a client can use the AS metadata', detail: `no valid metadata for issuer ${issuer} at any well-known URL${then}` });
    found.as = refused;
  }
  return rows;
}

/**
 * Note 6: 2025-03-26 clients look for the authorization server's metadata at the MCP server's origin. When the
 * authorization server lives elsewhere, a copy (or redirect) there keeps them working; its endpoints must agree.
 */
export async function checkMetadataAtMcpOrigin(ctx: DoctorContext, found: Findings): Promise<Row[]> {
  const check = 'AS metadata at the MCP origin (2025-03-26 clients)';
  if (!found.as || !found.issuer) return [];
  const origin = new URL(ctx.mcpUrl).origin;
  if (new URL(found.issuer).origin === origin) return [];
  const url = `${origin}/.well-known/oauth-authorization-server`;
  const r = await ctx.prober.request(url, { headers: { accept: 'application/json' } });
  const doc = jsonObject(r);
  if (!doc) {
    const verdict = r.error ? 'fail' : 'warn';
    return [{ verdict, rule: 'note 6', check, detail: `${url}: ${describeAnswer(r)}; 2025-03-26 clients that look here cannot start OAuth`, ms: r.ms }];
  }
  const differs = disagreements(found.as.doc, doc);
  if (differs.length) return [{ verdict: 'warn', rule: 'note 4, note 6', check, detail: `${url}: differs from ${found.as.url} in ${differs.join(', ')}`, ms: r.ms }];
  return [{ verdict: 'pass', rule: 'note 6', check, detail: `${url}: same endpoints as the authorization server's own document`, ms: r.ms }];
}
