import type { AuthInfo } from '@modelcontextprotocol/server';

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
