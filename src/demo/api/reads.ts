import type { VerifiedToken } from '../../resource-server/index.js';
import type { DataItem, DataService } from '../data-service.js';

/** A read's answer, whichever server writes it: the Hono route (c.json) or node:http directly (McpServerInternals.directReads). */
export interface ReadAnswer {
  status: 200;
  body: object;
  headers: Readonly<Record<string, string>>;
  /** `JSON.stringify(body)`, when the answer was made once for many requests (keptListAnswers). */
  json?: string;
}

/** One object for every answer, frozen: a server writing many answers builds their head once (mcp/http/direct-layers.ts). */
const NO_STORE: Readonly<Record<string, string>> = Object.freeze({ 'Cache-Control': 'no-store' });

const listed = (items: readonly DataItem[]): ReadAnswer => ({ status: 200, body: { items, count: items.length }, headers: NO_STORE });

/**
 * The answers of the lists the store keeps (frozen, and the same list again while nothing changed: store.ts
 * listItems, DataService.list), each made and serialised once, and dropped with its list; any other list's
 * answer is made for its request.
 */
export function keptListAnswers(): (items: readonly DataItem[]) => ReadAnswer {
  const answers = new WeakMap<readonly DataItem[], ReadAnswer>();
  return (items) => {
    if (!Object.isFrozen(items)) return listed(items);
    let answer = answers.get(items);
    if (answer === undefined) {
      const made = listed(items);
      answer = Object.freeze({ ...made, json: JSON.stringify(made.body) });
      answers.set(items, answer);
    }
    return answer;
  };
}

/**
 * GET /api/data (read): the caller's data items, owner = the token's subject; at once when the list is
 * (DataService.list). `answerOf` makes the answer of a list (keptListAnswers for a server answering many).
 */
export function listItemsAnswer(data: DataService, token: VerifiedToken, answerOf: (items: readonly DataItem[]) => ReadAnswer = listed): ReadAnswer | Promise<ReadAnswer> {
  const items = data.list(token.subject);
  return Array.isArray(items) ? answerOf(items) : (items as Promise<readonly DataItem[]>).then(answerOf);
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
    headers: NO_STORE,
  };
}
