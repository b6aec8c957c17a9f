import { SUPPORTED_SCOPES, hasScopes } from '../oauth/scopes.js';
import type { Caller, ToolDefinition } from './tools/types.js';
import type { McpServer } from '@modelcontextprotocol/server';

/** The scopes a tool needs, by name; undefined for a tool the server does not know (the SDK answers those). */
export type ToolScopes = (toolName: string) => readonly string[] | undefined;

/** Builds the SDK server that serves one caller (a session, a stateless request, a plain call). */
export type ServerFactory = (caller: Caller) => McpServer | Promise<McpServer>;

/** The scope lookup of a fixed tool list. */
export function toolScopesOf(tools: readonly ToolDefinition[]): ToolScopes {
  const byName = new Map(tools.map((t) => [t.name, t.requiredScopes]));
  return (name) => byName.get(name);
}

/** The scopes the tools declare, in the server's canonical order: what scopes_supported and the 401 challenge advertise. */
export function scopesDeclaredBy(tools: readonly ToolDefinition[]): string[] {
  const declared = new Set(tools.flatMap((t) => t.requiredScopes));
  return SUPPORTED_SCOPES.filter((s) => declared.has(s));
}

/**
 * The scopes a JSON-RPC message (or batch) needs: the declared scopes of every tool it calls. Other methods
 * (initialize, tools/list, ping, ...) and unknown tools need none; the SDK answers unknown tools itself.
 */
export function scopesNeededFor(tools: readonly ToolDefinition[] | ToolScopes, body: unknown): string[] {
  const scopesOf = typeof tools === 'function' ? tools : toolScopesOf(tools);
  const messages = Array.isArray(body) ? body : [body];
  const needed = new Set<string>();
  for (const m of messages) {
    if (!m || typeof m !== 'object') continue;
    const { method, params } = m as { method?: unknown; params?: { name?: unknown } };
    if (method !== 'tools/call' || typeof params?.name !== 'string') continue;
    for (const s of scopesOf(params.name) ?? []) needed.add(s);
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
