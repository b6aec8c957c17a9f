import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError as UnauthorizedV1 } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport as StreamableV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_JWT_TYPE } from '../../src/gateway/identity.js';
import { TestOAuthProvider } from '../interop/oauth-provider.js';
import { bearerClient } from './bearer-client.js';
import { startGateway } from './gateway-servers.js';
import { startHttpUpstream } from './spawned.js';
import { EVERYTHING_BIN, upstream } from './upstreams.js';

/** Connects the SDK v1 client the way mcp-remote does: on UnauthorizedError, finish the authorization and reconnect. */
async function connectV1(endpoint: URL, provider: TestOAuthProvider) {
  const make = () => new StreamableV1(endpoint, { authProvider: provider as any });
  const client = new ClientV1({ name: 'gateway-v1', version: '1.0.0' });
  try {
    await client.connect(make());
    return client;
  } catch (err) {
    if (!(err instanceof UnauthorizedV1)) throw err;
    const first = make();
    await first.finishAuth(provider.takeCode());
    const retry = new ClientV1({ name: 'gateway-v1', version: '1.0.0' });
    await retry.connect(make());
    return retry;
  }
}

describe('gateway in front of HTTP upstreams', () => {
  let everything: Awaited<ReturnType<typeof startHttpUpstream>>;
  beforeAll(async () => {
    everything = await startHttpUpstream(EVERYTHING_BIN, ['streamableHttp'], /listening on port/i);
  });
  afterAll(() => everything?.stop());

  it('server-everything in Streamable HTTP mode, SDK v1 client through OAuth: tools with progress, resources, prompts', async () => {
    const gw = await startGateway(() => upstream({ url: `http://127.0.0.1:${everything.port}/mcp`, scopes: { default: 'read' } }));
    try {
      const client = await connectV1(gw.endpoint, new TestOAuthProvider());
      expect((await client.callTool({ name: 'echo', arguments: { message: 'v1' } })).content).toEqual([{ type: 'text', text: 'Echo: v1' }]);
      const progress: number[] = [];
      await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.6, steps: 3 } }, undefined, { onprogress: (p) => void progress.push(p.progress) });
      expect(progress.length).toBeGreaterThanOrEqual(2);
      const { resources } = await client.listResources();
      expect((await client.readResource({ uri: resources[0]!.uri })).contents).toHaveLength(1);
      expect((await client.listPrompts()).prompts.length).toBeGreaterThan(0);
      await client.close();
    } finally {
      await gw.close();
    }
  }, 30_000);

  it('an identity JWT signed by the authorization server, audience the upstream URL; never the client token', async () => {
    const seen: Array<string | null> = [];
    const handler = createMcpHandler(() => {
      const server = new McpServer({ name: 'identity-upstream', version: '1.0.0' });
      server.registerTool('noop', { description: 'does nothing', annotations: { readOnlyHint: true } }, async () => ({ content: [{ type: 'text', text: 'ok' }] }));
      return server;
    });
    const http = createServer(
      getRequestListener((request) => {
        seen.push(request.headers.get('authorization'));
        return handler.fetch(request);
      }),
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const upstreamUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
    const gw = await startGateway(() => upstream({ url: upstreamUrl, identity: { jwt: true, headers: true } }));
    try {
      const token = await gw.mint('alice', 'read');
      const client = await bearerClient(gw.endpoint, token);
      expect((await client.callTool({ name: 'noop', arguments: {} })).content).toEqual([{ type: 'text', text: 'ok' }]);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen).not.toContain(`Bearer ${token}`);
      const jwt = seen.at(-1)!.replace(/^Bearer /, '');
      // What an upstream does: verify against the issuer's JWKS, with itself as the audience.
      const { payload, protectedHeader } = await jwtVerify(jwt, createRemoteJWKSet(new URL(`${gw.issuer}/.well-known/jwks.json`)), {
        issuer: gw.issuer,
        audience: upstreamUrl,
        typ: IDENTITY_JWT_TYPE,
        currentDate: new Date(gw.auth.clock() * 1000),
      });
      expect(protectedHeader.alg).toBe('ES256');
      expect(payload).toMatchObject({ sub: 'alice', client_id: 'test-client', scope: 'read' });
      expect(payload.exp! - payload.iat!).toBe(60);
      await client.close();
    } finally {
      await gw.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });

  it('a 2024-11-05 HTTP+SSE upstream (server-everything sse mode) through the fall back', async () => {
    const sse = await startHttpUpstream(EVERYTHING_BIN, ['sse'], /running on port/i);
    const gw = await startGateway(() => upstream({ url: `http://127.0.0.1:${sse.port}/sse`, scopes: { default: 'read' } }));
    try {
      const client = await bearerClient(gw.endpoint, await gw.mint('bob'));
      expect((await client.callTool({ name: 'echo', arguments: { message: 'sse' } })).content).toEqual([{ type: 'text', text: 'Echo: sse' }]);
      await client.close();
    } finally {
      await gw.close();
      await sse.stop();
    }
  }, 30_000);
});
