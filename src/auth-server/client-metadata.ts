import * as z from 'zod';
import { OAuthError } from '../oauth/errors.js';
import { checkRedirectUri } from '../oauth/redirect-uri.js';
import type { ScopeCatalog } from '../oauth/scope-catalog.js';
import { formatScope, resolveRequestedScopes } from '../oauth/scopes.js';
import { builtOnFirstUse } from '../built-on-first-use.js';

/**
 * Client metadata shared by Dynamic Client Registration (register.ts) and Client ID Metadata Documents
 * (cimd.ts): the field rules, readable error text, and the policy decisions both apply.
 */

export const SUPPORTED_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type GrantType = (typeof SUPPORTED_GRANT_TYPES)[number];

const MAX_URI = 2000;

/** RFC 7591 §2 human-facing metadata: kept as given and echoed back; shown on the consent page. */
export const DESCRIPTIVE_FIELDS = ['client_name', 'client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'contacts', 'software_id', 'software_version'] as const;

/**
 * The field rules as zod shapes: `descriptive` (DESCRIPTIVE_FIELDS) and `protocol` (fields common to both kinds of
 * client metadata; redirect URIs are checked one by one afterwards). Built on the first registration or metadata
 * document, not at start (src/built-on-first-use.ts).
 */
export const metadataShapes = builtOnFirstUse(() => {
  const text = (max: number) =>
    z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
  const webUrl = z
    .string({ error: 'must be a string' })
    .max(MAX_URI, `must be at most ${MAX_URI} characters`)
    .refine((u) => {
      try {
        return ['http:', 'https:'].includes(new URL(u).protocol);
      } catch {
        return false;
      }
    }, 'must be an absolute http(s) URL');
  const oneOf = <T extends string>(values: readonly [T, ...T[]]) =>
    z.enum(values, { error: (iss) => `unsupported value ${JSON.stringify(iss.input)}; supported: ${values.join(', ')}` });
  const descriptive = {
    client_name: text(200).optional(),
    client_uri: webUrl.optional(),
    logo_uri: webUrl.optional(),
    tos_uri: webUrl.optional(),
    policy_uri: webUrl.optional(),
    contacts: z.array(text(320), { error: 'must be an array of strings' }).max(20, 'at most 20 entries').optional(),
    software_id: text(200).optional(),
    software_version: text(100).optional(),
  } satisfies Record<(typeof DESCRIPTIVE_FIELDS)[number], z.ZodType>;
  const protocol = {
    redirect_uris: z
      .array(z.string({ error: 'must be a string' }).max(MAX_URI, `must be at most ${MAX_URI} characters`), { error: 'must be an array of strings' })
      .max(20, 'at most 20 redirect URIs')
      .optional(),
    grant_types: z.array(oneOf(SUPPORTED_GRANT_TYPES), { error: 'must be an array of strings' }).max(10).optional(),
    response_types: z.array(oneOf(['code']), { error: 'must be an array of strings' }).max(5).optional(),
    scope: z.string({ error: 'must be a space-delimited string' }).max(1000, 'must be at most 1000 characters').optional(),
    application_type: oneOf(['web', 'native']).optional(),
  };
  return { descriptive, protocol };
});

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || 'body';
}

/** One line per broken field, e.g. `grant_types[0]: unsupported value "implicit"; supported: ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${formatPath(i.path)}: ${i.message}`)
    .join('; ');
}

const shorten = (s: string) => (s.length > 100 ? `${s.slice(0, 100)}...` : s);

/**
 * Every redirect URI that breaks the policy, each naming its index and the rule (interop note 3: one rejected
 * URI must not fail the whole registration silently).
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.2.2
 */
export function redirectUriProblems(uris: readonly string[]): string[] {
  return uris.flatMap((uri, i) => {
    const check = checkRedirectUri(uri);
    return check.ok ? [] : [`redirect_uris[${i}] ${JSON.stringify(shorten(uri))}: ${check.reason}`];
  });
}

/** Throws invalid_redirect_uri unless every URI passes and, for the code grant, there is at least one (AS-7). */
export function assertRedirectUris(uris: readonly string[], grantTypes: readonly string[]): void {
  const problems = redirectUriProblems(uris);
  if (problems.length > 0) throw new OAuthError('invalid_redirect_uri', problems.join('; '));
  // RFC 7591 §2: clients using redirect-based flows must register their redirection URIs.
  if (grantTypes.includes('authorization_code') && uris.length === 0) {
    throw new OAuthError('invalid_redirect_uri', 'redirect_uris: at least one redirect URI is required for the authorization_code grant');
  }
}

/**
 * The grant and response types a client gets. RFC 7591 §2's default is authorization_code alone; refresh_token
 * is added because MCP clients that omit grant_types still expect to refresh (interop note 8), and §3.2.1 lets
 * the server substitute values. client_credentials needs a client that can authenticate (RFC 6749 §4.4).
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2.1
 */
export function resolveGrantTypes(
  requestedGrants: readonly GrantType[] | undefined,
  requestedResponses: readonly string[] | undefined,
  confidential: boolean,
): { grantTypes: GrantType[]; responseTypes: string[] } {
  const grantTypes: GrantType[] = requestedGrants?.length ? [...new Set(requestedGrants)] : ['authorization_code', 'refresh_token'];
  if (grantTypes.includes('client_credentials') && !confidential) {
    throw new OAuthError('invalid_client_metadata', 'grant_types: client_credentials requires a confidential client (token_endpoint_auth_method other than none)');
  }
  const usesCode = grantTypes.includes('authorization_code');
  const responseTypes = requestedResponses ?? (usesCode ? ['code'] : []);
  // RFC 7591 §2.1: response_types code goes with grant_types authorization_code, and the other way round.
  if (usesCode !== responseTypes.includes('code')) {
    throw new OAuthError('invalid_client_metadata', 'response_types: "code" must be listed exactly when grant_types includes authorization_code');
  }
  return { grantTypes, responseTypes: [...new Set(responseTypes)] };
}

/** The scope a client may ask for: the known ones it listed, or the defaults when none it listed is known (interop note 7). */
export function acceptedClientScope(scopes: ScopeCatalog, requested: string | undefined): string {
  const known = resolveRequestedScopes(scopes, requested);
  return formatScope(known.length > 0 ? known : scopes.defaults);
}

/** The descriptive fields that were given, except client_name (a column of its own), for ClientRecord.metadata. */
export function pickDescriptive(input: Partial<Record<(typeof DESCRIPTIVE_FIELDS)[number], unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of DESCRIPTIVE_FIELDS) if (k !== 'client_name' && input[k] !== undefined) out[k] = input[k];
  return out;
}
