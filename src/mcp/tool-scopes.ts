import { SUPPORTED_SCOPES, hasScopes } from '../oauth/scopes.js';
import type { ToolDefinition, ToolDeps } from './tools/types.js';

/** The scopes the tools declare, in the server's canonical order: what scopes_supported and the 401 challenge advertise. */
export function scopesDeclaredBy(tools: readonly ToolDefinition[]): string[] {
  const declared = new Set(tools.flatMap((t) => t.requiredScopes));
  return SUPPORTED_SCOPES.filter((s) => declared.has(s));
}

/**
 * The scopes a JSON-RPC message (or batch) needs: the declared scopes of every tool it calls. Other methods
 * (initialize, tools/list, ping, ...) and unknown tools need none; the SDK answers unknown tools itself.
 */
export function scopesNeededFor(tools: readonly ToolDefinition[], body: unknown): string[] {
  const messages = Array.isArray(body) ? body : [body];
  const needed = new Set<string>();
  for (const m of messages) {
    if (!m || typeof m !== 'object') continue;
    const { method, params } = m as { method?: unknown; params?: { name?: unknown } };
    if (method !== 'tools/call' || typeof params?.name !== 'string') continue;
    for (const s of tools.find((t) => t.name === params.name)?.requiredScopes ?? []) needed.add(s);
  }
  return SUPPORTED_SCOPES.filter((s) => needed.has(s));
}

/**
 * The scope to put in a 403 insufficient_scope challenge, or undefined when the granted scopes suffice.
 * RS-6: the challenge names every scope the client should hold afterwards, i.e. what it has plus what the
 * operation needs, so a client that replaces its scope with the challenge's (SDK v1) does not lose `read`.
 */
export function stepUpScopes(granted: readonly string[], needed: readonly string[]): string[] | undefined {
  if (needed.length === 0 || hasScopes(granted, needed)) return undefined;
  const want = new Set([...granted, ...needed]);
  return SUPPORTED_SCOPES.filter((s) => want.has(s));
}

/**
 * What each tool declares (name, title, requiredScopes), without a server to run it: for the consent page's list of
 * the tools each scope unlocks (web/scope-catalog.ts). The tools are built with deps they never reach, as only
 * `run` uses deps.
 */
export function toolDeclarations(tools: (deps: ToolDeps) => readonly ToolDefinition[]): { name: string; title: string; requiredScopes: readonly string[] }[] {
  const unused = new Proxy({} as ToolDeps, {
    get: () => {
      throw new Error('a tool declaration was asked to run');
    },
  });
  return tools(unused).map((t) => ({ name: t.name, title: t.title, requiredScopes: t.requiredScopes }));
}
