import type { AuthInfo } from '@modelcontextprotocol/server';
import type { VerifiedToken } from '../resource-server/types.js';
import type { Caller } from '../resource-server/types.js';

/**
 * The SDK's AuthInfo for a verified token. The subject and issue time ride in `extra`, since AuthInfo has no
 * field for them; `expiresAt` is required by the SDK (docs/architecture.md, "Facts about the MCP SDKs").
 */
export function toAuthInfo(token: VerifiedToken, resourceMetadataUrl: string): AuthInfo {
  return {
    token: token.token,
    clientId: token.clientId,
    scopes: token.scopes,
    expiresAt: token.expiresAt,
    resource: new URL(token.audience),
    resourceMetadataUrl,
    extra: { subject: token.subject, issuedAt: token.issuedAt, jti: token.jti },
  };
}

/** The caller a tool acts for, or undefined when the request carried no verified token. */
export function callerFromAuthInfo(auth: AuthInfo | undefined): Caller | undefined {
  const subject = auth?.extra?.['subject'];
  if (!auth || typeof subject !== 'string' || auth.expiresAt === undefined) return undefined;
  const issuedAt = auth.extra?.['issuedAt'];
  return {
    subject,
    clientId: auth.clientId,
    scopes: auth.scopes,
    expiresAt: auth.expiresAt,
    issuedAt: typeof issuedAt === 'number' ? issuedAt : 0,
  };
}

/** The caller a verified token stands for. */
export function callerFromToken(token: VerifiedToken): Caller {
  return { subject: token.subject, clientId: token.clientId, scopes: token.scopes, expiresAt: token.expiresAt, issuedAt: token.issuedAt };
}
