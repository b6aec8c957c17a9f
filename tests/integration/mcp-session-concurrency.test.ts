import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMcpServer, defineTool } from '../../src/index.js';
import type { TokenVerifier } from '../../src/resource-server/types.js';
import { barrier } from '../helpers/barrier.js';

const PARTIES = 8;
const URL_ = 'http://127.0.0.1:5001/mcp';

/** Accepts one fixed token for the endpoint (the bearer check itself is tested elsewhere). */
const oneToken: TokenVerifier = {
  async verify(token) {
    if (token !== 'good') throw new Error('unknown token');
    const now = Math.floor(Date.now() / 1000);
    return { token, subject: 'alice', clientId: 'c1', scopes: ['meet'], audience: URL_, expiresAt: now + 3600, issuedAt: now, jti: 'j1' };
  },
};

/**
 * Concurrent tools/call requests of one 2025-11-25 Streamable HTTP session are served concurrently (TR-3: the
 * client may send several POSTs; each carries its own answer): a tool that answers only once all PARTIES calls
 * have reached it. A per-session queue anywhere on the way would leave the first call waiting for the others
 * until the barrier gives up.
 */
describe('MCP session: concurrent calls', () => {
  it(`${PARTIES} tools/call on one session all reach the tool before any is answered`, async () => {
    const meet = barrier(PARTIES, 5_000);
    const tool = defineTool({
      name: 'meet',
      description: 'answers once all callers are here',
      requiredScopes: ['meet'],
      inputSchema: z.object({}),
      run: async () => ({ ok: true, data: {}, text: await meet.arrive() }),
    });
    const server = await createMcpServer({ url: URL_, authorizationServer: 'http://127.0.0.1:5000', verifier: oneToken, tools: [tool] });
    const served = await server.listen({ port: 0 });
    try {
      const client = new Client({ name: 'concurrency', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${served.url}/mcp`), { requestInit: { headers: { authorization: 'Bearer good' } } }));
      expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
      const results = await Promise.all(Array.from({ length: PARTIES }, () => client.callTool({ name: 'meet', arguments: {} })));
      expect(results.map((r) => (r.content as Array<{ text: string }>)[0]!.text)).toEqual(Array(PARTIES).fill('released'));
      expect(meet.arrived).toBe(PARTIES);
      await client.close();
    } finally {
      await server.close();
    }
  }, 60_000);
});
