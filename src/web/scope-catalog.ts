import type { ScopeCatalog } from '../oauth/scope-catalog.js';

/** What a scope means to a person: its words, and the tools it unlocks (on the consent and connected-apps pages). */
export interface ScopeInfo {
  description: string;
  tools: string[];
}

/** Looks a scope up; an unknown scope is described by its name and unlocks no listed tool. */
export type ConsentCatalog = (scope: string) => ScopeInfo;

/** What the consent page needs of a tool: its name (or title) and the scopes it requires; never its code. */
export interface ToolDeclaration {
  name: string;
  title?: string;
  requiredScopes: readonly string[];
}

/**
 * A catalog from the server's scope vocabulary (the words of its `scopes` option) and the tools' declarations,
 * so the pages never import tool modules: the program passes whatever tools its resources serve.
 */
export function consentCatalog(scopes: Pick<ScopeCatalog, 'describe'>, tools: readonly ToolDeclaration[] = []): ConsentCatalog {
  return (scope) => ({
    description: scopes.describe(scope),
    tools: tools.filter((t) => t.requiredScopes.includes(scope)).map((t) => t.title ?? t.name),
  });
}
