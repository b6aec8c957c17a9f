import { PROTOCOL_VERSION_META_KEY } from '@modelcontextprotocol/server';
import { isJsonObject } from '../../json-object.js';


/**
 * Whether a POST body is one the SDK's era classifier can only send to the 2026-07-28 entry (TR-10): a single
 * JSON-RPC message (not a batch, not a response), other than initialize, whose params carry the envelope
 * claim in `_meta`. For every such body `isLegacyRequest` answers false (a message carrying the claim is
 * modern, or refused by the modern path, even when it names a revision not served), so the route sends it to
 * the entry without classifying it first: the entry classifies it anyway, and classifying twice was a
 * twentieth of a stateless call (bench/HISTORY.md). Any other body is classified by `isLegacyRequest`.
 * tests/unit/envelope-claim.test.ts holds this to the SDK's answer.
 */
export function carriesEnvelopeClaim(body: unknown): boolean {
  if (!isJsonObject(body) || typeof body.method !== 'string' || body.method === 'initialize' || 'result' in body || 'error' in body) return false;
  const meta = isJsonObject(body.params) ? body.params._meta : undefined;
  return isJsonObject(meta) && PROTOCOL_VERSION_META_KEY in meta;
}
