import type { UpstreamScopes } from './config.js';

/**
 * The scopes each upstream tool needs (RS-6): a per-tool override from the config, else the read scope for a
 * tool annotated `readOnlyHint: true`, else the upstream's default. Annotations are learned from the upstream's
 * tools/list answers; a tool not seen yet gets the default (the stricter choice).
 * @see https://modelcontextprotocol.io/specification/2025-06-18/server/tools#tool
 */
export class ScopePolicy {
  private readonly readOnly = new Map<string, boolean>();

  constructor(
    private readonly scopes: UpstreamScopes,
    /** Whether granted scopes cover needed ones (the authorization server's vocabulary: write may imply read). */
    readonly covers: (granted: readonly string[], needed: readonly string[]) => boolean = (g, n) => n.every((s) => g.includes(s)),
  ) {}

  /** Records the annotations of a tools/list answer. */
  learn(tools: ReadonlyArray<{ name: string; annotations?: { readOnlyHint?: boolean } | undefined }>): void {
    for (const t of tools) this.readOnly.set(t.name, t.annotations?.readOnlyHint === true);
  }

  scopesFor(toolName: string): readonly string[] {
    const override = this.scopes.tools[toolName];
    if (override) return override;
    return [this.readOnly.get(toolName) ? this.scopes.readOnly : this.scopes.default];
  }

  /** Every scope some tool may need: what scopes_supported advertises. */
  allScopes(): string[] {
    return [...new Set([this.scopes.readOnly, this.scopes.default, ...Object.values(this.scopes.tools).flat()])];
  }
}
