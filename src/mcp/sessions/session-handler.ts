import type { AuthInfo } from '@modelcontextprotocol/server';
import type { Caller } from '../../resource-server/types.js';
import type { Downstream, SessionAnswer } from './session-answer.js';

/**
 * What serves the 2025-era sessions of the Streamable HTTP transport (TR-1..TR-6) behind the route's checks
 * (bearer, Origin, body, RS-6 scope gate): the SDK sessions of streamable-sessions.ts, or a program's own (the
 * gateway's pass-through to an HTTP upstream) that falls back to them.
 */
export interface SessionHandler {
  readonly size: number;
  /** An initialize request without a session id. */
  open(request: Request, parsedBody: unknown, authInfo: AuthInfo, subject: string): Promise<Response>;
  /** A request carrying Mcp-Session-Id: GET stream, POST, or DELETE. */
  handle(sessionId: string, request: Request, parsedBody: unknown, authInfo: AuthInfo, subject: string): Promise<Response>;
  /** Closes the sessions idle for too long. */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A session handler whose sessions' POSTs a running server may answer from node:http directly
 * (mcp/direct-sessions.ts), behind the same checks as the Hono route; `post` is the logic `handle` runs for a POST.
 */
export interface DirectSessionHandler extends SessionHandler {
  /** Whether the session is this handler's own (not one of the sessions it falls back to). */
  owns(sessionId: string): boolean;
  /** A POST to one of its own sessions, by the token's subject; `caller` as callerFromAuthInfo / callerFromToken give it (auth-info.ts). */
  post(sessionId: string, request: Downstream, parsedBody: unknown, caller: Caller | undefined, subject: string): Promise<SessionAnswer>;
}

export const isDirectSessionHandler = (h: SessionHandler): h is DirectSessionHandler => 'owns' in h && 'post' in h;
