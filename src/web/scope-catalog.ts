/** What a scope means to a person: its words, and the tools it unlocks (on the consent and connected-apps pages). */
export interface ScopeInfo {
  description: string;
  tools: string[];
}

/** Looks a scope up; an unknown scope is described by its name and unlocks no listed tool. */
export type ScopeCatalog = (scope: string) => ScopeInfo;

/**
 * A catalog from scope descriptions and the tools' declarations (name or title, and requiredScopes), so the pages
 * never import tool modules: the root passes whatever tools it serves (our own, a gateway's upstreams).
 */
export function scopeCatalog(descriptions: Readonly<Record<string, string>>, tools: readonly { name: string; title?: string; requiredScopes: readonly string[] }[] = []): ScopeCatalog {
  return (scope) => ({
    description: descriptions[scope] ?? scope,
    tools: tools.filter((t) => t.requiredScopes.includes(scope)).map((t) => t.title ?? t.name),
  });
}
