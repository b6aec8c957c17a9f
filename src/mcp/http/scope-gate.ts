import { challengeResponse, insufficientScopeChallenge, type Challenge } from '../../resource-server/challenge.js';
import type { VerifiedToken } from '../../resource-server/types.js';
import { scopesNeededFor, stepUpScopes, type ToolScopeIndex } from '../tool-scopes.js';

/**
 * RS-6 step-up: a tools/call whose tool needs scopes the token lacks is refused with HTTP 403 and
 * `WWW-Authenticate: Bearer error="insufficient_scope", scope="..."` before it reaches the SDK. SDK clients (v1
 * and v2) step up only on a 403 of the HTTP response, never on a JSON-RPC error inside a 200, so the check has
 * to look into the body first; one gate serves every transport (both Streamable HTTP eras, HTTP+SSE, plain).
 * Returns undefined when the call may proceed.
 */
export function scopeGate(
  index: ToolScopeIndex,
  body: unknown,
  token: VerifiedToken,
  resourceMetadataUrl: string,
): Response | undefined {
  const refused = scopeRefusal(index, body, token, resourceMetadataUrl);
  return refused && challengeResponse(refused);
}

/** The gate's challenge, framework-free (for the tools/call routes node:http answers, tools-call-route.ts). */
export function scopeRefusal(index: ToolScopeIndex, body: unknown, token: VerifiedToken, resourceMetadataUrl: string): Challenge | undefined {
  const needed = scopesNeededFor(index, body);
  const want = stepUpScopes(index, token.scopes, needed);
  if (!want) return undefined;
  const description = `this tool needs scope ${needed.join(' ')}; the token has ${token.scopes.join(' ') || 'none'}`;
  return insufficientScopeChallenge({ resourceMetadataUrl }, want, description);
}
