import type { Context } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';

/** A private-use URI scheme as a CSP scheme-source, e.g. `cursor:` (RFC 8252 §7.1). */
const SCHEME = /^[a-z][a-z0-9+.-]*:$/;

/**
 * Where a form on the page may end up. CSP form-action also governs the redirects that follow a form POST in
 * Chromium (CSP3 §6.3.1: navigation after form submission), so a page whose form ends in a redirect to the
 * client must list the client's redirect origin, or the browser blocks the last hop.
 */
export function redirectFormTarget(redirectUri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return undefined;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  return SCHEME.test(url.protocol) ? url.protocol : undefined;
}

/**
 * The page policy: nothing from anywhere but this server's stylesheet, forms only to here (and to the
 * client's redirect when the form completes an authorization), never in a frame.
 */
export function contentSecurityPolicy(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    `form-action ${["'self'", ...formTargets].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Headers every page carries: the CSP, no framing (clickjacking on the consent button), no caching, no referrer. */
export function pageHeaders(formTargets: readonly string[] = []): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(formTargets),
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  };
}

/** Renders a hono/jsx page into an HTML response with {@link pageHeaders}; cookies set on `c` go with it. */
export async function renderPage(
  c: Context,
  page: JSX.Element,
  opts: { status?: number; formTargets?: readonly string[]; headers?: Record<string, string> } = {},
): Promise<Response> {
  const html = `<!DOCTYPE html>${await page.toString()}`;
  return c.html(html, (opts.status ?? 200) as 200, { ...pageHeaders(opts.formTargets), ...opts.headers });
}

/** A 303 to a path of this server (never a URL taken from the request: no open redirects). */
export function redirectHere(c: Context, path: `/${string}`): Response {
  for (const [name, value] of Object.entries(pageHeaders())) c.header(name, value);
  return c.redirect(path, 303);
}
