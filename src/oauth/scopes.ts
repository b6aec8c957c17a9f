import type { ScopeCatalog } from './scope-catalog.js';

/** Scopes of OpenID Connect that clients add to every request (interop note 7): dropped, never an error on their own. */
export const IGNORED_SCOPES: ReadonlySet<string> = new Set(['openid', 'offline_access']);

/** Splits a space-delimited scope string (RFC 6749 §3.3). */
export function parseScope(scope: string | undefined | null): string[] {
  if (!scope) return [];
  const parts = scope.split(' ');
  // A long list (a hostile one, say) goes through a Set; a short one, every request's, needs no Set and no copy.
  if (parts.length > 16) return [...new Set(parts.filter(Boolean))];
  const scopes: string[] = [];
  for (const s of parts) if (s && !scopes.includes(s)) scopes.push(s);
  return scopes;
}

export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}

/**
 * The scopes granted for a request: unknown ones (offline_access, openid, ...) are dropped, not fatal;
 * none asked means the catalog's defaults (interop note 7). `allowed` bounds the result, defaults included.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function resolveRequestedScopes(
  catalog: Pick<ScopeCatalog, 'names' | 'defaults'>,
  requested: string | undefined | null,
  allowed: readonly string[] = catalog.names,
): string[] {
  const asked = parseScope(requested);
  if (asked.length === 0) return catalog.defaults.filter((s) => allowed.includes(s));
  return catalog.names.filter((s) => asked.includes(s) && allowed.includes(s));
}
