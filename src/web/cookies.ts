import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AuthServerSettings } from '../auth-server/settings.js';

/** `idp`: a sign-in at an upstream identity provider in progress (src/idp/attempt-cookie.ts). */
export type CookieKind = 'session' | 'csrf' | 'idp';

/** Under https the __Host- prefix pins the cookie to this host and path / and demands Secure (RFC 6265bis §4.1.3.2). */
function secure(config: AuthServerSettings): boolean {
  return config.authServer.issuer.startsWith('https://');
}

export function cookieName(config: AuthServerSettings, kind: CookieKind): string {
  return `${secure(config) ? '__Host-' : ''}oauth_mcp_${kind}`;
}

export function readCookie(c: Context, config: AuthServerSettings, kind: CookieKind): string | undefined {
  return getCookie(c, cookieName(config, kind));
}

/** HttpOnly, SameSite=Lax, path /, Secure under https (docs/security.md). */
export function writeCookie(c: Context, config: AuthServerSettings, kind: CookieKind, value: string, maxAgeSeconds?: number): void {
  setCookie(c, cookieName(config, kind), value, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: secure(config),
    path: '/',
    ...(maxAgeSeconds !== undefined && { maxAge: maxAgeSeconds }),
  });
}

export function clearCookie(c: Context, config: AuthServerSettings, kind: CookieKind): void {
  // The name already carries __Host- under https; hono's `prefix` option would add it a second time.
  deleteCookie(c, cookieName(config, kind), { path: '/', secure: secure(config) });
}
