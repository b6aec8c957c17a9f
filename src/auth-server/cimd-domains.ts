import { OAuthError } from '../oauth/errors.js';

/** True when `host` is `domain` or one of its subdomains (a label boundary, so evil-example.com is not example.com). */
export function hostInDomain(host: string, domain: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const d = domain.toLowerCase().replace(/^\*?\./, '').replace(/\.$/, '');
  return h === d || h.endsWith(`.${d}`);
}

/**
 * CIMD_ALLOWED_DOMAINS / CIMD_DENIED_DOMAINS: which hosts may publish Client ID Metadata Documents this server
 * fetches. Checked before any fetch, so a refused host is never contacted. Deny wins over allow; an empty allow
 * list allows every host (the SSRF guards of cimd-fetch.ts still apply).
 * @see https://datatracker.ietf.org/doc/draft-ietf-oauth-client-id-metadata-document/ (Security Considerations)
 */
export function assertCimdHostAllowed(url: string, domains: { allowed: readonly string[]; denied: readonly string[] }): void {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const refuse = (why: string) => new OAuthError('invalid_client', `client metadata document host ${host} ${why}`);
  if (domains.denied.some((d) => hostInDomain(host, d))) throw refuse('is denied on this server (CIMD_DENIED_DOMAINS)');
  if (domains.allowed.length > 0 && !domains.allowed.some((d) => hostInDomain(host, d))) {
    throw refuse('is not among the domains this server accepts (CIMD_ALLOWED_DOMAINS)');
  }
}
