import { TtlCache } from '../cache/ttl-cache.js';

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

/**
 * canonicalResource with its recent answers remembered, for the token endpoint: a client names the same resource
 * on every token request, and parsing it as a URL each time was ~2% of a client_credentials request's CPU
 * (bench/HISTORY.md, round 2). canonicalResource is pure, so a remembered answer is the answer. At most `max`
 * inputs of at most `maxLength` characters are kept, the oldest forgotten first; one per caller, not shared.
 */
export function rememberedCanonicalResource(max = 64, maxLength = 2048): (raw: string) => string | null {
  // Never expires (a pure answer); the clock is not read.
  const known = new TtlCache<string, string | null>({ maxEntries: max, now: () => 0 });
  return (raw) => {
    const remembered = known.get(raw);
    if (remembered !== undefined) return remembered;
    const canonical = canonicalResource(raw);
    if (raw.length <= maxLength) known.set(raw, canonical);
    return canonical;
  };
}
