import type { VerifiedToken } from '../../resource-server/index.js';
import type { DataItem, DataService } from '../data-service.js';

/** A read's answer, whichever server writes it: the Hono route (c.json) or node:http directly (McpServerInternals.directReads). */
export interface ReadAnswer {
  status: 200;
  body: object;
  headers: Record<string, string>;
}

const listed = (items: DataItem[]): ReadAnswer => ({ status: 200, body: { items, count: items.length }, headers: { 'Cache-Control': 'no-store' } });

/** GET /api/data (read): the caller's data items, owner = the token's subject; at once when the list is (DataService.list). */
export function listItemsAnswer(data: DataService, token: VerifiedToken): ReadAnswer | Promise<ReadAnswer> {
  const items = data.list(token.subject);
  return Array.isArray(items) ? listed(items) : items.then(listed);
}

/**
 * GET /api/user/profile (read): who the token says the caller is. The MCP side holds no user table (it trusts
 * only the token), so this is the token's own account of the subject, the client, the scopes and the expiry.
 */
export function profileAnswer(token: VerifiedToken): ReadAnswer {
  return {
    status: 200,
    body: {
      sub: token.subject,
      client_id: token.clientId,
      scope: token.scopes.join(' '),
      scopes: token.scopes,
      audience: token.audience,
      // Unix seconds, as in the token.
      issued_at: token.issuedAt,
      expires_at: token.expiresAt,
    },
    headers: { 'Cache-Control': 'no-store' },
  };
}
