import { canonicalResource } from '../oauth/resource.js';
import type { ScopeCatalog } from '../oauth/scope-catalog.js';

/** A protected resource this authorization server issues tokens for (RFC 8707), with the scopes its tokens may carry. */
export interface RegisteredResource {
  /** Canonical resource identifier (oauth/resource.ts). */
  url: string;
  scopes: readonly string[];
}

/** The resources tokens may name as their audience: RFC 8707 `resource` must name one of them (AS-6). */
export interface ResourceRegistry {
  readonly all: readonly RegisteredResource[];
  /** What a request without `resource` gets: the first registered. */
  readonly default: RegisteredResource;
  /**
   * The registered resource a canonical `resource` names: an exact match, or else a registered resource that
   * is a whole origin (no path), which covers every URL on that origin.
   */
  find(canonical: string): RegisteredResource | undefined;
}

export function resourceRegistry(resources: readonly { url: string; scopes?: readonly string[] }[], catalog: ScopeCatalog): ResourceRegistry {
  if (resources.length === 0) throw new TypeError('resources: register at least one protected resource (RFC 8707)');
  const all = resources.map((r) => {
    const url = canonicalResource(r.url);
    if (url === null) throw new TypeError(`resources: ${r.url} is not an absolute http(s) URL without a fragment`);
    for (const s of r.scopes ?? []) if (!catalog.names.includes(s)) throw new TypeError(`resources: ${r.url} names scope ${s}, which is not defined in scopes`);
    return { url, scopes: catalog.known(r.scopes ?? catalog.names) };
  });
  const byUrl = new Map(all.map((r) => [r.url, r]));
  const origins = new Map(all.filter((r) => new URL(r.url).pathname === '/' && !new URL(r.url).search).map((r) => [new URL(r.url).origin, r]));
  return {
    all,
    default: all[0]!,
    find: (canonical) => byUrl.get(canonical) ?? origins.get(new URL(canonical).origin),
  };
}
