import type { ScopeCatalog } from '../oauth/scope-catalog.js';

/**
 * What the scope gate knows about tools: the scopes each needs (undefined for a tool it does not know, which
 * then needs none: the SDK answers unknown tools itself), and the vocabulary to compare and order scopes.
 */
export interface ToolScopeIndex {
  scopesOf(toolName: string): readonly string[] | undefined;
  /** Every scope the tools declare, in canonical order: what scopes_supported and the 401 challenge advertise. */
  declared: readonly string[];
  catalog: Pick<ScopeCatalog, 'covers' | 'order'>;
}

/** Exact-match scopes in the order first seen: for servers without a scope vocabulary of their own. */
export function plainCatalog(): Pick<ScopeCatalog, 'covers' | 'order'> {
  return {
    covers: (granted, needed) => needed.every((s) => granted.includes(s)),
    order: (scopes) => [...new Set(scopes)],
  };
}

/**
 * The scopes a JSON-RPC message (or batch) needs: the declared scopes of every tool it calls. Other methods
 * (initialize, tools/list, ping, ...) and unknown tools need none.
 */
export function scopesNeededFor(index: ToolScopeIndex, body: unknown): string[] {
  const messages = Array.isArray(body) ? body : [body];
  const needed: string[] = [];
  for (const m of messages) {
    if (!m || typeof m !== 'object') continue;
    const { method, params } = m as { method?: unknown; params?: { name?: unknown } };
    if (method !== 'tools/call' || typeof params?.name !== 'string') continue;
    needed.push(...(index.scopesOf(params.name) ?? []));
  }
  return index.catalog.order(needed);
}

/**
 * The scope to put in a 403 insufficient_scope challenge, or undefined when the granted scopes suffice.
 * RS-6: the challenge names every scope the client should hold afterwards, i.e. what it has plus what the
 * operation needs, so a client that replaces its scope with the challenge's (SDK v1) does not lose `read`.
 * Only scopes the server advertises are repeated from the token.
 */
export function stepUpScopes(index: ToolScopeIndex, granted: readonly string[], needed: readonly string[]): string[] | undefined {
  if (needed.length === 0 || index.catalog.covers(granted, needed)) return undefined;
  const held = granted.filter((s) => index.declared.includes(s));
  return index.catalog.order([...held, ...needed]);
}
