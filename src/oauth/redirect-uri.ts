/** Hosts that count as loopback for RFC 8252 §7.3 (any port allowed). localhost is kept as written (interop note 1). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
/**
 * Schemes browsers or operating systems treat specially: script and inline content, local files, other
 * protocols (ftp, websockets, mail, phone), browser-internal pages and extensions, Android intents. An
 * authorization response sent to one could run code, leak the code to another program or fail silently
 * (RFC 9700 §4.1.1, RFC 8252 §8.1); app schemes such as cursor: stay allowed (RFC 8252 §7.1).
 */
const FORBIDDEN_SCHEMES = new Set([
  'javascript:', 'vbscript:', 'data:', 'blob:', 'filesystem:', 'file:', 'about:', 'view-source:', 'jar:',
  'ftp:', 'ftps:', 'sftp:', 'ws:', 'wss:', 'mailto:', 'news:', 'nntp:', 'tel:', 'sms:', 'urn:', 'ldap:', 'gopher:',
  'chrome:', 'chrome-extension:', 'chrome-untrusted:', 'devtools:', 'edge:', 'brave:', 'opera:', 'vivaldi:',
  'moz-extension:', 'resource:', 'ms-browser-extension:', 'safari-extension:', 'intent:', 'android-app:',
]);
/** RFC 8252 §7.1: a private-use scheme is a reverse domain name or at least contains a dot, e.g. cursor://... */
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+.-]*:$/;

export type RedirectUriCheck = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * Checks one redirect URI against the registration policy (AS-7, docs/security.md): https, loopback http on any
 * port, private-use schemes for native apps; never a scheme of FORBIDDEN_SCHEMES, user information or a fragment.
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7
 */
export function checkRedirectUri(raw: string): RedirectUriCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not an absolute URI' };
  }
  // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
  if (raw.includes('#')) return { ok: false, reason: 'must not contain a fragment (RFC 6749 §3.1.2)' };
  const scheme = url.protocol.toLowerCase();
  if (FORBIDDEN_SCHEMES.has(scheme)) {
    return { ok: false, reason: `uses the ${scheme.slice(0, -1)}: scheme, which is never allowed (open redirect / script injection)` };
  }
  if (url.username || url.password) return { ok: false, reason: 'must not contain user information' };
  if (scheme === 'https:') return { ok: true, url };
  if (scheme === 'http:') {
    if (LOOPBACK_HOSTS.has(url.hostname)) return { ok: true, url };
    return { ok: false, reason: 'uses http on a non-loopback host; use https, or 127.0.0.1/[::1]/localhost (RFC 8252 §7.3)' };
  }
  if (PRIVATE_USE_SCHEME.test(scheme)) return { ok: true, url }; // RFC 8252 §7.1, e.g. cursor://anysphere.cursor-mcp/...
  return { ok: false, reason: 'has an unsupported scheme' };
}

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * Matches a redirect_uri from a request against a registered one: exact string match, except that for
 * loopback http URIs the port may differ (RFC 8252 §7.3). The host is compared as written: localhost and
 * 127.0.0.1 are not interchanged (interop note 1).
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  let r: URL;
  let q: URL;
  try {
    r = new URL(registered);
    q = new URL(requested);
  } catch {
    return false;
  }
  if (!isLoopbackHttp(r) || !isLoopbackHttp(q)) return false;
  if (requested.includes('#')) return false;
  // RFC 8252 §7.3 lets the port vary, nothing else: user information is refused here as at registration.
  if (q.username || q.password) return false;
  return r.hostname === q.hostname && r.pathname === q.pathname && r.search === q.search;
}
