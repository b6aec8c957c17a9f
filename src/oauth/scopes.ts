/** The scopes this server knows, with the words the consent page shows for each. */
export const SCOPES = {
  read: 'Read your profile and your data items',
  write: 'Create, change and delete your data items',
} as const;

export type Scope = keyof typeof SCOPES;
export const SUPPORTED_SCOPES = Object.keys(SCOPES) as Scope[];
/** What a client gets when it asks for no scope (interop note 7). */
export const DEFAULT_SCOPES: Scope[] = ['read', 'write'];

/** Scopes of OpenID Connect that clients add to every request (interop note 7): dropped, never an error on their own. */
export const IGNORED_SCOPES: ReadonlySet<string> = new Set(['openid', 'offline_access']);

/** Splits a space-delimited scope string (RFC 6749 §3.3). */
export function parseScope(scope: string | undefined | null): string[] {
  if (!scope) return [];
  return [...new Set(scope.split(' ').filter(Boolean))];
}

export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}

/**
 * The scopes granted for a request: unknown ones (offline_access, openid, ...) are dropped, not fatal;
 * none asked means the defaults (interop note 7).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function resolveRequestedScopes(requested: string | undefined | null, allowed: readonly string[] = SUPPORTED_SCOPES): Scope[] {
  const asked = parseScope(requested);
  if (asked.length === 0) return DEFAULT_SCOPES.filter((s) => allowed.includes(s));
  return SUPPORTED_SCOPES.filter((s) => asked.includes(s) && allowed.includes(s));
}

/** A broader scope satisfies a narrower one (RS-6): write includes read. */
const IMPLIES: Record<string, readonly string[]> = { write: ['read'] };

/** True when the granted scopes cover every scope in `needed`, counting what a broader scope implies. */
export function hasScopes(granted: readonly string[], needed: readonly string[]): boolean {
  const covered = new Set(granted.flatMap((s) => [s, ...(IMPLIES[s] ?? [])]));
  return needed.every((s) => covered.has(s));
}
