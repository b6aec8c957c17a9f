/**
 * Canonicalises a resource URI (RFC 8707 §2, MCP authorization "canonical server URI"): lower-case scheme and
 * host, no default port, no fragment, no trailing slash on the path. One function used everywhere so that
 * `http://host/mcp/v1/` and `http://host/mcp/v1` are the same resource (interop note 5).
 * Returns null for anything that is not an absolute http(s) URI without a fragment.
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 */
export function canonicalResource(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // RFC 8707 §2: the resource MUST NOT include a fragment component.
  if (url.hash || raw.includes('#')) return null;
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}${url.search}`;
}
