import type { ScopePolicy } from './scope-policy.js';

/** The server features the gateway forwards; an upstream's other capabilities (experimental, tasks, ...) are not offered downstream. */
export const KNOWN_CAPABILITIES = ['tools', 'resources', 'prompts', 'completions', 'logging'] as const;

/** The upstream's capabilities limited to KNOWN_CAPABILITIES: what the gateway advertises for it. */
export function knownCapabilities(caps: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of KNOWN_CAPABILITIES) if (caps?.[k] !== undefined) out[k] = caps[k];
  return out;
}

/**
 * tools/list shows every tool, each marked with the scopes it needs (`_meta["oauth-mcp/requiredScopes"]`, as our
 * own tools do), and those this token cannot call with `_meta["oauth-mcp/missingScopes"]`: a client still sees
 * what a step-up would unlock (docs/gateway.md). The annotations teach the policy which tools are read-only.
 */
export function markTools(policy: ScopePolicy, result: Record<string, unknown>, granted: readonly string[]): Record<string, unknown> {
  const tools = (result['tools'] ?? []) as Array<{ name: string; annotations?: { readOnlyHint?: boolean }; _meta?: Record<string, unknown> }>;
  policy.learn(tools);
  return {
    ...result,
    tools: tools.map((t) => {
      const required = [...policy.scopesFor(t.name)];
      const missing = required.filter((s) => !policy.covers(granted, [s]));
      return { ...t, _meta: { ...t._meta, 'oauth-mcp/requiredScopes': required, ...(missing.length > 0 && { 'oauth-mcp/missingScopes': missing }) } };
    }),
  };
}
