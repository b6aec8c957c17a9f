import type { DoctorContext, Findings } from '../context.js';
import type { Row } from '../report.js';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * AS-2: what the metadata advertises decides whether a client will even try. MCP clients refuse an
 * authorization server that does not list S256 (MCP Authorization, "Authorization Code Protection").
 */
export async function checkCapabilities(_ctx: DoctorContext, found: Findings): Promise<Row[]> {
  const doc = found.as?.doc;
  if (!doc) return [];
  const rows: Row[] = [];
  const pkce = list(doc.code_challenge_methods_supported);
  rows.push(
    pkce.includes('S256')
      ? { verdict: 'pass', rule: 'AS-2', check: 'PKCE S256 advertised', detail: `code_challenge_methods_supported: ${JSON.stringify(pkce)}` }
      : {
          verdict: 'fail',
          rule: 'AS-2',
          check: 'PKCE S256 advertised',
          detail: doc.code_challenge_methods_supported === undefined
            ? 'no code_challenge_methods_supported: MCP clients refuse to proceed (RFC 8414 §2, RFC 7636)'
            : `code_challenge_methods_supported ${JSON.stringify(pkce)} lacks S256`,
        },
  );
  const responseTypes = list(doc.response_types_supported);
  rows.push({
    verdict: responseTypes.includes('code') ? 'pass' : 'fail',
    rule: 'AS-2',
    check: 'response type "code" advertised',
    detail: `response_types_supported: ${JSON.stringify(doc.response_types_supported ?? null)}`,
  });
  const authMethods = doc.token_endpoint_auth_methods_supported === undefined ? ['client_secret_basic'] : list(doc.token_endpoint_auth_methods_supported);
  rows.push({
    verdict: authMethods.includes('none') ? 'pass' : 'warn',
    rule: 'AS-2',
    check: 'public clients supported (auth method "none")',
    detail: authMethods.includes('none')
      ? `token_endpoint_auth_methods_supported: ${JSON.stringify(authMethods)}`
      : `token_endpoint_auth_methods_supported ${JSON.stringify(authMethods)} lacks "none": desktop and CLI clients are public clients`,
  });
  const registration = typeof doc.registration_endpoint === 'string';
  const cimd = doc.client_id_metadata_document_supported === true;
  rows.push({
    verdict: registration || cimd ? 'pass' : 'warn',
    rule: 'AS-4, AS-5',
    check: 'clients can register themselves',
    detail:
      [registration ? `registration_endpoint ${String(doc.registration_endpoint)}` : '', cimd ? 'client ID metadata documents' : ''].filter(Boolean).join('; ') ||
      'neither registration_endpoint nor client_id_metadata_document_supported: every client must be registered by hand',
  });
  const grants = doc.grant_types_supported === undefined ? ['authorization_code', 'implicit'] : list(doc.grant_types_supported);
  rows.push({
    verdict: grants.includes('authorization_code') ? (grants.includes('refresh_token') ? 'pass' : 'warn') : 'fail',
    rule: 'AS-2, note 8',
    check: 'authorization_code and refresh_token grants',
    detail: `grant_types_supported: ${JSON.stringify(grants)}${grants.includes('refresh_token') ? '' : ' (no refresh: users sign in again every time the token expires)'}`,
  });
  return rows;
}
