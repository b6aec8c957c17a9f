/**
 * Masking for what the walkthrough prints: secrets (client secrets, codes, verifiers, tokens) are shown as their
 * first 6 characters and an ellipsis, enough to tell two apart, never enough to use one.
 */

/** Field names whose values are secrets, in JSON bodies, forms and query strings. */
export const SECRET_FIELDS = new Set([
  'client_secret',
  'code',
  'code_verifier',
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'password',
]);

/** `abcdef…` for any secret longer than 6 characters; short values are hidden entirely. */
export function mask(secret: string): string {
  return secret.length > 6 ? `${secret.slice(0, 6)}…` : '…';
}

/** A copy of a JSON value with every secret field masked, at any depth. */
export function maskJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.has(k) && typeof v === 'string' ? mask(v) : maskJson(v)]),
    );
  }
  return value;
}

/** A form body or query string with secret parameters masked; other parameters decoded for reading. */
export function maskParams(params: URLSearchParams): string {
  return [...params]
    .map(([k, v]) => `${k}=${SECRET_FIELDS.has(k) ? mask(v) : v}`)
    .join('&');
}

/** A URL with secret query parameters masked. */
export function maskUrl(url: string): string {
  const u = new URL(url);
  if (!u.search) return url;
  return `${u.origin}${u.pathname}?${maskParams(u.searchParams)}`;
}

/** An Authorization header value: the scheme stays, the credentials are masked. */
export function maskAuthorization(value: string): string {
  const space = value.indexOf(' ');
  return space === -1 ? mask(value) : `${value.slice(0, space)} ${mask(value.slice(space + 1))}`;
}
