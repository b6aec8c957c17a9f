/** What the resource server knows about a caller once its access token has been verified. */
export interface VerifiedToken {
  /** The raw JWT; never logged and never passed on to another service (RS-5). */
  token: string;
  subject: string;
  clientId: string;
  scopes: string[];
  /** The canonical resource the token was issued for (its aud). */
  audience: string;
  /** Unix seconds. */
  expiresAt: number;
  issuedAt: number;
  jti: string;
  /** The grant the token was issued under (its grant_id claim), for revocation checks; absent when not carried. */
  grantId?: string;
  /** RFC 9449 §6.1: the DPoP key thumbprint the token is bound to (its cnf.jkt); absent for a bearer token. */
  dpopJkt?: string;
  /**
   * With dpopJkt: the base64url SHA-256 of `token`, the ath every proof sent with it carries (RFC 9449 §4.2),
   * hashed once when the token is verified instead of once per proof. Without it the proof check hashes the token.
   */
  dpopAth?: string;
}

/** Verifies a bearer token; throws OAuthError('invalid_token') when it is not acceptable for this resource. */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
  /**
   * Optional: verify's answer, at once when the verifier has it at once (a cached token whose revocation answer
   * is known), else its promise; a refused token throws or rejects as verify does. The bearer check uses it, so
   * a cached token costs no promise (resource-server/bearer.ts checkBearer).
   */
  verifyNow?(token: string): VerifiedToken | Promise<VerifiedToken>;
}

/**
 * Who is calling, taken from the verified access token and never from the request's arguments: the same value
 * reaches an MCP tool's handler and a protected API handler.
 */
export interface Caller {
  subject: string;
  clientId: string;
  scopes: string[];
  /** Unix seconds. */
  expiresAt: number;
  issuedAt: number;
}

/** The caller a verified token speaks for. */
export function callerOf(token: VerifiedToken): Caller {
  return { subject: token.subject, clientId: token.clientId, scopes: token.scopes, expiresAt: token.expiresAt, issuedAt: token.issuedAt };
}
