import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { barrier } from '../helpers/barrier.js';
import { bearerClient } from './bearer-client.js';
import { startGateway } from './gateway-servers.js';
import { upstream } from './upstreams.js';

const PARTIES = 8;

/**
 * Concurrent calls of one client session stay concurrent through the gateway (BENCHMARKS.md, "Gateway"): an
 * HTTP upstream whose tool answers only once all PARTIES calls have reached it. Had the gateway (or the MCP
 * session in front of it) queued a session's calls, the first would wait for the others forever and every call
 * would answer "gave up".
 */
describe('gateway: concurrent calls of one session', () => {
  it(`${PARTIES} tools/call on one 2025-11-25 session all reach an HTTP upstream before any is answered`, async () => {
    const meet = barrier(PARTIES, 5_000);
    const handler = createMcpHandler(() => {
      const server = new McpServer({ name: 'barrier-upstream', version: '1.0.0' });
      server.registerTool('meet', { description: 'answers once all callers are here', annotations: { readOnlyHint: true } }, async () => ({
        content: [{ type: 'text', text: await meet.arrive() }],
      }));
      return server;
    });
    const http = createServer(getRequestListener((request) => handler.fetch(request)));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const gw = await startGateway(() => upstream({ url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp` }));
    try {
      const client = await bearerClient(gw.endpoint, await gw.mint('alice', 'read'));
      expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
      const results = await Promise.all(Array.from({ length: PARTIES }, () => client.callTool({ name: 'meet', arguments: {} })));
      expect(results.map((r) => (r.content as Array<{ text: string }>)[0]!.text)).toEqual(Array(PARTIES).fill('released'));
      expect(meet.arrived).toBe(PARTIES);
      await client.close();
    } finally {
      await gw.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  }, 60_000);
});
