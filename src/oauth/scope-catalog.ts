/** One scope a server knows: the words the consent page shows, and the narrower scopes it includes. */
export interface ScopeDefinition {
  description: string;
  /** Scopes this one includes (RS-6: a broader scope satisfies a narrower one), e.g. write implies read. */
  implies?: readonly string[];
}

/** The scopes an authorization server (or a resource) knows, by name, in their canonical order. */
export type ScopeDefinitions = Readonly<Record<string, ScopeDefinition>>;

/**
 * The scope vocabulary of one deployment, built once from options: names in canonical order, consent words,
 * what each implies, and what a request that asks for none gets. No I/O, no global state.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export interface ScopeCatalog {
  readonly names: readonly string[];
  /** What a client gets when it asks for no scope (interop note 7). */
  readonly defaults: readonly string[];
  describe(name: string): string;
  /** Known scopes among `scopes`, deduplicated, in canonical order; unknown ones dropped. */
  known(scopes: readonly string[]): string[];
  /** `scopes` in canonical order: known ones first, then the others as given, deduplicated. */
  order(scopes: readonly string[]): string[];
  /** True when `granted` covers every scope in `needed`, counting what a broader scope implies. */
  covers(granted: readonly string[], needed: readonly string[]): boolean;
}

export function scopeCatalog(definitions: ScopeDefinitions, defaults?: readonly string[]): ScopeCatalog {
  const names = Object.keys(definitions);
  for (const [name, def] of Object.entries(definitions)) {
    // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
    if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(name)) throw new TypeError(`scope ${JSON.stringify(name)} is not a valid scope token (RFC 6749 §3.3)`);
    for (const implied of def.implies ?? []) {
      if (!names.includes(implied)) throw new TypeError(`scope ${name} implies ${implied}, which is not defined`);
    }
  }
  for (const d of defaults ?? []) if (!names.includes(d)) throw new TypeError(`default scope ${d} is not defined`);
  const implies = new Map(names.map((n) => [n, closure(definitions, n)]));
  const known = (scopes: readonly string[]) => names.filter((n) => scopes.includes(n));
  return {
    names,
    defaults: [...(defaults ?? names)],
    describe: (name) => definitions[name]?.description ?? name,
    known,
    order: (scopes) => [...new Set([...known(scopes), ...scopes])],
    covers(granted, needed) {
      // Checked on every protected request: no set is built for it.
      return needed.every((s) => granted.includes(s) || granted.some((g) => implies.get(g)?.includes(s)));
    },
  };
}

/** Every scope `name` implies, directly or through another implied scope. */
function closure(definitions: ScopeDefinitions, name: string): string[] {
  const out = new Set<string>();
  const visit = (n: string) => {
    for (const i of definitions[n]?.implies ?? []) {
      if (out.has(i)) continue;
      out.add(i);
      visit(i);
    }
  };
  visit(name);
  return [...out];
}
