import { createLocalJWKSet, decodeJwt, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import * as z from 'zod';
import { builtOnFirstUse } from '../built-on-first-use.js';
import { OAuthError } from '../oauth/errors.js';
import type { ClientRecord, TokenEndpointAuthMethod } from '../store/store.js';
import type { AuthServerDeps } from './deps.js';

/** RFC 7523 §2.2: the client_assertion_type of a JWT client assertion. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Assertion algorithms accepted: asymmetric only (a MAC would need a shared secret, client_secret_jwt). */
export const ASSERTION_ALGORITHMS = ['ES256', 'EdDSA', 'Ed25519', 'PS256', 'RS256'] as const;

/** The longest lifetime (exp - iat, or exp - now) an assertion may claim; bounds how long its jti is remembered. */
const MAX_ASSERTION_LIFETIME_SECONDS = 300;
const CLOCK_SKEW_SECONDS = 30;

/** RFC 7591 §2: jwks is a JWK Set of public keys, given by value. Built on first use (src/built-on-first-use.ts). */
export const jwksSchema = builtOnFirstUse(() =>
  z
    .object({ keys: z.array(z.object({ kty: z.string() }).passthrough(), { error: 'must be an array of JWKs' }).min(1).max(10) }, { error: 'must be a JWK Set' })
    .refine((set) => set.keys.every((k) => !('d' in k) && !('k' in k)), 'must hold public keys only'),
);

/**
 * RFC 7591 §2: jwks and jwks_uri MUST NOT both be present; private_key_jwt needs one of them (RFC 7523 §2.2).
 * jwks_uri must be https (it is fetched under the Client ID Metadata Document SSRF rules).
 */
export function clientKeysMetadata(jwks: unknown, jwksUri: string | undefined, method: TokenEndpointAuthMethod): Record<string, unknown> {
  if (jwks !== undefined && jwksUri !== undefined) throw new OAuthError('invalid_client_metadata', 'jwks and jwks_uri must not both be present');
  if (method === 'private_key_jwt' && jwks === undefined && jwksUri === undefined) {
    throw new OAuthError('invalid_client_metadata', 'token_endpoint_auth_method private_key_jwt needs jwks or jwks_uri');
  }
  if (jwksUri !== undefined && !/^https:/i.test(jwksUri) && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/i.test(jwksUri)) {
    throw new OAuthError('invalid_client_metadata', 'jwks_uri must be an https URL');
  }
  return { ...(jwks !== undefined && { jwks }), ...(jwksUri !== undefined && { jwks_uri: jwksUri }) };
}

/**
 * The client_id an assertion claims (its `sub`, which RFC 7523 §3 makes equal to `iss`), read without
 * verifying anything: only to find which client's keys verify it.
 */
export function assertionClientId(assertion: string): string | undefined {
  try {
    const { sub, iss } = decodeJwt(assertion);
    return typeof sub === 'string' && sub === iss ? sub : undefined;
  } catch {
    return undefined;
  }
}

async function keysOf(deps: AuthServerDeps, client: ClientRecord): Promise<JSONWebKeySet> {
  const { jwks, jwks_uri: jwksUri } = client.metadata as { jwks?: unknown; jwks_uri?: unknown };
  if (jwks !== undefined) return jwks as JSONWebKeySet;
  if (typeof jwksUri !== 'string') throw new OAuthError('invalid_client', 'client authentication failed', { cause: new Error(`client ${client.clientId} has no jwks`) });
  // Same SSRF guards as Client ID Metadata Documents: public addresses only, https, no redirects, size and time limits.
  const { fetchMetadataDocument } = await import('./cimd-fetch.js'); // loaded when first used, as in cimd.ts
  const { document } = await fetchMetadataDocument(jwksUri, { allowPrivateAddresses: deps.config.cimdAllowPrivateAddresses });
  const parsed = jwksSchema().safeParse(document);
  if (!parsed.success) throw new OAuthError('invalid_client', 'client authentication failed', { cause: new Error(`jwks_uri ${jwksUri}: not a JWK Set of public keys`) });
  return parsed.data as JSONWebKeySet;
}

/**
 * Verifies a private_key_jwt client assertion (RFC 7523 §3, OpenID Connect Core §9): signed by one of the
 * client's registered keys (jwks, or jwks_uri fetched under the SSRF rules), iss and sub the client_id, aud this
 * issuer or its token endpoint, exp present and near, and a jti never seen before (kept in the replay cache).
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 */
export async function verifyClientAssertion(deps: AuthServerDeps, client: ClientRecord, assertion: string): Promise<void> {
  const issuer = deps.config.authServer.issuer;
  const now = deps.clock();
  const fail = (why: string, cause?: unknown) =>
    new OAuthError('invalid_client', 'client authentication failed', { cause: cause ?? new Error(`client ${client.clientId}: ${why}`) });
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, createLocalJWKSet(await keysOf(deps, client)), {
      algorithms: [...ASSERTION_ALGORITHMS],
      // RFC 7523 §3 items 1 and 2: iss and sub are the client_id.
      issuer: client.clientId,
      subject: client.clientId,
      // RFC 7523 §3 item 3: the audience identifies the authorization server; its issuer or the token endpoint.
      audience: [issuer, `${issuer}/oauth/token`],
      requiredClaims: ['exp', 'jti'],
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: new Date(now * 1000),
    }));
  } catch (err) {
    if (err instanceof OAuthError) throw err;
    if (err instanceof errors.JOSEError) throw fail(`assertion refused: ${err.message}`, err);
    throw err;
  }
  const exp = payload.exp!;
  if (exp - now > MAX_ASSERTION_LIFETIME_SECONDS) throw fail(`assertion lives longer than ${MAX_ASSERTION_LIFETIME_SECONDS} s`);
  // RFC 7523 §3 item 7: the authorization server may refuse a jti it has seen; it does, until the assertion expires.
  const fresh = await deps.replay.claim(`assertion:${client.clientId}:${String(payload.jti)}`, exp + CLOCK_SKEW_SECONDS + 1);
  if (!fresh) throw fail('assertion jti already used');
}
