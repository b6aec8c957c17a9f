import type { McpServer } from '@modelcontextprotocol/server';
import type { Caller } from '../resource-server/types.js';

/**
 * Where SDK servers come from: called for each serving unit (a session, a stream, a stateless request) with
 * the caller when known.
 */
export type ServerSource = (caller: Caller | undefined) => McpServer | Promise<McpServer>;

/**
 * One SDK server the program already built, served to one connection at a time (an SDK server connects to
 * one transport): it is leased from the moment it is handed out until its connection closes; a request waits
 * up to `waitMs` for it, then is refused. Pass a factory to serve many connections at once.
 */
export function singleServer(server: McpServer, waitMs = 10_000): ServerSource {
  let leasedAt: number | undefined;
  const previous = server.server.onclose;
  server.server.onclose = () => {
    leasedAt = undefined;
    previous?.();
  };
  const free = () => {
    if (leasedAt === undefined) return server.server.transport === undefined;
    // Handed out but never connected (the request failed first): the lease lapses.
    if (server.server.transport === undefined && Date.now() - leasedAt > waitMs) leasedAt = undefined;
    return leasedAt === undefined && server.server.transport === undefined;
  };
  return async () => {
    const deadline = Date.now() + waitMs;
    while (!free()) {
      if (Date.now() > deadline) throw new Error('the MCP server instance is busy with another connection; pass a factory to serve several');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    leasedAt = Date.now();
    return server;
  };
}
