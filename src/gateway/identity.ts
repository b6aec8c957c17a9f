import { randomUUID } from 'node:crypto';
import type { SigningKey } from '../keys/key-ring.js';
import { signCompactEs256 } from '../keys/jws.js';
import type { Caller } from '../resource-server/types.js';
import type { IdentityMode } from './config.js';

/** The authorization server's current signing key and issuer: what the identity JWT is signed with. */
export interface IdentitySigner {
  issuer: string;
  signingKey(): SigningKey;
}

/** The JWT header type of identity assertions, so an upstream never mistakes one for an access token (RFC 8725 §3.11). */
export const IDENTITY_JWT_TYPE = 'oauth-mcp-identity+jwt';

/**
 * What an HTTP upstream receives instead of the client's token (MCP authorization, "Token Passthrough" is
 * forbidden): a short-lived JWT signed with the authorization server's key (verifiable against its JWKS) whose
 * audience is the upstream URL, and/or plain X-Forwarded-* headers for upstreams that trust the network.
 * Claims: iss, aud (the upstream URL), sub (the user), client_id, scope (what the caller's token grants), iat,
 * exp, jti. docs/gateway.md documents how an upstream verifies it.
 * @see https://modelcontextprotocol.io/specification/2025-06-18/basic/security_best_practices#token-passthrough
 */
export function identityHeaders(
  caller: Caller,
  upstreamUrl: string,
  mode: IdentityMode,
  signer: IdentitySigner | undefined,
  nowSeconds: number,
): Record<string, string> {
  const headers: Record<string, string> = {};
  if (mode.jwt && signer) {
    const key = signer.signingKey();
    const claims = {
      iss: signer.issuer,
      aud: upstreamUrl,
      sub: caller.subject,
      client_id: caller.clientId,
      scope: caller.scopes.join(' '),
      iat: nowSeconds,
      exp: nowSeconds + mode.ttlSeconds,
      jti: randomUUID(),
    };
    headers['authorization'] = `Bearer ${signCompactEs256({ alg: 'ES256', typ: IDENTITY_JWT_TYPE, kid: key.kid }, claims, key.privateKey)}`;
  }
  if (mode.headers) {
    headers['x-forwarded-user'] = caller.subject;
    headers['x-forwarded-client-id'] = caller.clientId;
    headers['x-forwarded-scope'] = caller.scopes.join(' ');
  }
  return headers;
}
