import { McpServer, ProtocolError, type ServerCapabilities } from '@modelcontextprotocol/server';
import { callerFromAuthInfo } from '../mcp/auth-info.js';
import type { Caller } from '../resource-server/types.js';
import { UpstreamUnavailable, type ConnectionPool, type DownstreamSink } from './connection-pool.js';
import type { GatewayObserver } from './observer.js';
import type { ScopePolicy } from './scope-policy.js';
import { knownCapabilities, markTools } from './tools-marking.js';
import { SERVER_TO_CLIENT, type UpstreamConnection } from './upstream-connection.js';

/** Everything the proxy of one upstream shares across callers. */
export interface ProxyUpstream {
  name: string;
  pool: ConnectionPool;
  policy: ScopePolicy;
  observer: GatewayObserver;
  requestTimeoutMs: number;
}

/** Requests the downstream client sends that go to the upstream as they are. */
export const FORWARDED = [
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
] as const;
type Forwarded = (typeof FORWARDED)[number];
const CAPABILITY_OF = (method: Forwarded) =>
  method === 'completion/complete' ? 'completions' : method === 'logging/setLevel' ? 'logging' : method.slice(0, method.indexOf('/'));

/** JSON-RPC code for a gateway-side failure to reach the upstream (implementation-defined server error range). */
export const UPSTREAM_UNAVAILABLE = -32003;
/** What a downstream gets while the upstream's capabilities are unknown (it failed to start): every feature, each failing clearly. */
const ALL_CAPABILITIES: ServerCapabilities = { tools: { listChanged: true }, resources: { subscribe: true, listChanged: true }, prompts: { listChanged: true }, completions: {}, logging: {} };

/**
 * The MCP server one caller talks to: a low-level SDK v2 server forwarding every request to the caller's
 * upstream connection and bringing back progress, logging and list-changed notifications, and the upstream's
 * own requests (sampling, elicitation, roots) when this client declared the capability. Cancellation follows
 * (the client's notifications/cancelled aborts the upstream request), and closing this server (the client
 * went away) cancels whatever it still has in flight upstream.
 * @see https://modelcontextprotocol.io/specification/2025-06-18/basic/utilities/cancellation
 */
export async function createProxyServer(up: ProxyUpstream, caller: Caller): Promise<McpServer> {
  const known = await up.pool
    .use(caller, async (c) => {
      up.policy.learn(c.tools);
      return describe(c);
    })
    .catch(() => undefined);
  const mcp = new McpServer(known?.info ?? { name: `oauth-mcp-gateway/${up.name}`, version: '0.1.0' }, {
    capabilities: known?.capabilities ?? ALL_CAPABILITIES,
    ...(known?.instructions !== undefined && { instructions: known.instructions }),
  });
  const server = mcp.server;
  const inFlight = new Set<AbortController>();

  const sink: DownstreamSink = {
    lastActive: Date.now(),
    notification: (n) => void server.notification(n as never).catch(() => {}),
    request: (method, params, signal) => {
      if (!server.getClientCapabilities()?.[SERVER_TO_CLIENT[method]]) return undefined;
      return server.request({ method, ...(params && { params }) } as never, { signal }) as Promise<Record<string, unknown>>;
    },
  };
  const detach = up.pool.attach(caller, sink);
  const previousOnClose = server.onclose;
  server.onclose = () => {
    detach();
    for (const c of inFlight) c.abort(new Error('the client disconnected'));
    previousOnClose?.();
  };
  server.setNotificationHandler('notifications/roots/list_changed', async () => {
    await up.pool.use(caller, (c) => c.client.notification({ method: 'notifications/roots/list_changed' })).catch(() => {});
  });

  const advertised = (known?.capabilities ?? ALL_CAPABILITIES) as Record<string, { subscribe?: boolean } | undefined>;
  for (const method of FORWARDED) {
    // The SDK refuses a handler for a capability the server does not declare; the client gets "method not found".
    const capability = advertised[CAPABILITY_OF(method)];
    if (!capability || (method.startsWith('resources/') && method.endsWith('subscribe') && !capability.subscribe)) continue;
    server.setRequestHandler(method, (async (request: { params?: Record<string, unknown> }, ctx: HandlerContext) => {
      sink.lastActive = Date.now();
      const who = callerFromAuthInfo(ctx.http?.authInfo) ?? caller;
      const started = performance.now();
      const tool = method === 'tools/call' ? String(request.params?.['name'] ?? '') : undefined;
      const report = (outcome: 'success' | 'tool_error' | 'refused' | 'failure', error?: string) =>
        up.observer.forwarded({ upstream: up.name, subject: who.subject, clientId: who.clientId, method, ...(tool !== undefined && { tool }), outcome, latencyMs: performance.now() - started, ...(error && { error }) });
      if (tool !== undefined) {
        // Second line of defence behind the HTTP scope gate (RS-6), which answers 403 before dispatch.
        const needed = up.policy.scopesFor(tool);
        if (!up.policy.covers(who.scopes, needed)) {
          report('refused');
          return { content: [{ type: 'text', text: `Insufficient scope: ${tool} needs ${needed.join(' ')}.` }], isError: true };
        }
      }
      const controller = new AbortController();
      inFlight.add(controller);
      const signal = AbortSignal.any([ctx.mcpReq.signal, controller.signal]);
      try {
        const result = await up.pool.use(caller, (c) => forward(c, method, request.params, ctx, signal, up.requestTimeoutMs));
        if (method === 'tools/list') return markTools(up.policy, result, who.scopes);
        if (tool !== undefined) report((result as { isError?: boolean }).isError ? 'tool_error' : 'success');
        return result;
      } catch (err) {
        const message = (err as Error).message;
        if (tool !== undefined) report('failure', message);
        if (err instanceof UpstreamUnavailable) throw new ProtocolError(UPSTREAM_UNAVAILABLE, `Upstream ${up.name} unavailable: ${message}`);
        if (ProtocolError.isInstance(err)) throw err;
        throw new ProtocolError(UPSTREAM_UNAVAILABLE, `Upstream ${up.name} failed: ${message}`);
      } finally {
        inFlight.delete(controller);
      }
    }) as never);
  }
  return mcp;
}

interface HandlerContext {
  mcpReq: { signal: AbortSignal; notify(n: { method: string; params?: Record<string, unknown> }): Promise<void> };
  http?: { authInfo?: import('@modelcontextprotocol/server').AuthInfo };
}

function describe(c: UpstreamConnection) {
  const capabilities = knownCapabilities(c.client.getServerCapabilities() as Record<string, unknown> | undefined);
  return { capabilities: capabilities as ServerCapabilities, info: c.client.getServerVersion(), instructions: c.client.getInstructions() };
}

/**
 * One request upstream: progress comes back under the downstream's own token, in order and before the answer;
 * no answer (and no progress) in time is an error.
 */
async function forward(c: UpstreamConnection, method: Forwarded, params: Record<string, unknown> | undefined, ctx: HandlerContext, signal: AbortSignal, timeout: number) {
  const progressToken = (params?.['_meta'] as { progressToken?: string | number } | undefined)?.progressToken;
  let sent = Promise.resolve();
  const onprogress =
    progressToken === undefined
      ? undefined
      : (p: { progress: number; total?: number; message?: string }) => {
          sent = sent.then(() => ctx.mcpReq.notify({ method: 'notifications/progress', params: { ...p, progressToken } })).catch(() => {});
        };
  const result = (await c.client.request({ method, ...(params && { params }) } as never, {
    signal,
    timeout,
    resetTimeoutOnProgress: true,
    ...(onprogress && { onprogress }),
  })) as Record<string, unknown>;
  await sent;
  return result;
}
