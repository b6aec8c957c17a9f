/** A parsed challenge: the scheme (lower case) and its auth-params (names lower case, values unquoted). */
export interface ParsedChallenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses the first challenge of a WWW-Authenticate value, e.g.
 * `Bearer resource_metadata="https://x/.well-known/oauth-protected-resource", scope="read write"`.
 * Quoted values may contain commas and escaped quotes. Returns undefined for an empty or unparsable value.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1
 */
export function parseChallenge(header: string): ParsedChallenge | undefined {
  const m = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  const params: Record<string, string> = {};
  const re = /\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^\s,]*)\s*,?/gy;
  const rest = m[2]!;
  let match: RegExpExecArray | null;
  // A token without "=" after it starts the next challenge: the sticky match fails there and the loop ends.
  while (re.lastIndex < rest.length && (match = re.exec(rest))) {
    const name = match[1]!.toLowerCase();
    const value = match[3] !== undefined ? match[3].replace(/\\(.)/g, '$1') : match[2]!;
    if (!(name in params)) params[name] = value;
  }
  return { scheme, params };
}
