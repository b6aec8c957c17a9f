import { Client, SSEClientTransport, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { Logger } from '../log/logger.js';
import type { UpstreamTarget } from './config.js';

/** Server-to-client requests an upstream may send, and the downstream capability each one needs. */
export const SERVER_TO_CLIENT = { 'sampling/createMessage': 'sampling', 'elicitation/create': 'elicitation', 'roots/list': 'roots' } as const;
export type ServerToClientMethod = keyof typeof SERVER_TO_CLIENT;

/** Where an upstream connection sends what the upstream says on its own: notifications and server-to-client requests. */
export interface UpstreamEvents {
  notification(n: { method: string; params?: Record<string, unknown> }): void;
  request(method: ServerToClientMethod, params: Record<string, unknown> | undefined, signal: AbortSignal): Promise<Record<string, unknown>>;
  /** The connection ended (process exit, stream closed, flood); `expected` when we closed it. */
  closed(expected: boolean, reason: string): void;
}

export interface UpstreamConnectOptions {
  target: UpstreamTarget;
  events: UpstreamEvents;
  logger: Logger;
  initializeTimeoutMs: number;
  /** HTTP: headers for each request to the upstream (the caller's identity); recomputed per request. */
  headers?: () => Record<string, string>;
  /** stdio: the largest single line accepted from the upstream before the connection is dropped. */
  maxMessageBytes?: number;
}

/** A live connection to one upstream MCP server through the SDK v2 client. */
export interface UpstreamConnection {
  client: Client;
  /** The OS process of a stdio upstream. */
  pid: number | undefined;
  /** The upstream's tools as listed right after initialize: their annotations drive the scope policy at once. */
  tools: ReadonlyArray<{ name: string; annotations?: { readOnlyHint?: boolean } | undefined }>;
  close(): Promise<void>;
}

const GATEWAY_INFO = { name: 'oauth-mcp-gateway', version: '0.1.0' };
/** Advertised so upstreams may ask; each request goes to a downstream client that supports it, or fails (proxy-server.ts). */
const GATEWAY_CLIENT_CAPABILITIES = { sampling: {}, elicitation: { form: {}, url: {} }, roots: { listChanged: true } };

/**
 * Connects and initializes within `initializeTimeoutMs`; an upstream that never answers initialize is killed and
 * the promise rejects with a one-line reason. A URL is tried as Streamable HTTP first, then as the 2024-11-05
 * HTTP+SSE transport (MCP spec, transports, "Backwards Compatibility").
 * @see https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#backwards-compatibility
 */
export async function connectUpstream(opts: UpstreamConnectOptions): Promise<UpstreamConnection> {
  if (opts.target.kind === 'stdio') return connectWith(opts, stdioTransport(opts, opts.target));
  const url = new URL(opts.target.url);
  const fetchWithHeaders = withHeaders(opts.target.headers, opts.headers);
  try {
    return await connectWith(opts, new StreamableHTTPClientTransport(url, { fetch: fetchWithHeaders }));
  } catch (err) {
    if ((err as Error).message.startsWith('upstream did not answer initialize')) throw err;
    opts.logger.debug({ url: opts.target.url, err: (err as Error).message }, 'gateway: Streamable HTTP refused, trying HTTP+SSE');
    return connectWith(opts, new SSEClientTransport(url, { fetch: fetchWithHeaders }));
  }
}

function stdioTransport(opts: UpstreamConnectOptions, target: Extract<UpstreamTarget, { kind: 'stdio' }>): StdioClientTransport {
  const transport = new StdioClientTransport({
    command: target.command,
    args: target.args,
    // The upstream gets a minimal environment (the SDK's default PATH, HOME, ...) plus what the config names:
    // never the gateway's secrets (SECRET_KEY, DATABASE_URL).
    env: { ...minimalEnv(), ...target.env },
    ...(target.cwd !== undefined && { cwd: target.cwd }),
    stderr: 'pipe',
    maxBufferSize: opts.maxMessageBytes ?? 4 * 1024 * 1024,
  });
  return transport;
}

async function connectWith(opts: UpstreamConnectOptions, transport: Transport): Promise<UpstreamConnection> {
  const client = new Client(GATEWAY_INFO, { capabilities: GATEWAY_CLIENT_CAPABILITIES });
  for (const method of Object.keys(SERVER_TO_CLIENT) as ServerToClientMethod[]) {
    client.setRequestHandler(method, (async (request: { params?: Record<string, unknown> }, ctx: { mcpReq: { signal: AbortSignal } }) =>
      opts.events.request(method, request.params, ctx.mcpReq.signal)) as never);
  }
  client.fallbackNotificationHandler = async (n) => opts.events.notification(n as { method: string; params?: Record<string, unknown> });
  let closing = false;
  client.onclose = () => opts.events.closed(closing, closing ? 'closed by the gateway' : 'the upstream connection closed');
  client.onerror = (err) => opts.logger.debug({ err: err.message }, 'gateway: upstream transport error');

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`upstream did not answer initialize within ${opts.initializeTimeoutMs} ms`)), opts.initializeTimeoutMs);
  });
  let tools: UpstreamConnection['tools'] = [];
  try {
    await Promise.race([client.connect(transport), timeout]);
    if (client.getServerCapabilities()?.tools) tools = (await Promise.race([client.listTools(), timeout])).tools;
  } catch (err) {
    closing = true;
    await client.close().catch(() => {});
    throw err;
  } finally {
    clearTimeout(timer);
  }
  if (transport instanceof StdioClientTransport) drainStderr(transport, opts.logger);
  return {
    client,
    pid: transport instanceof StdioClientTransport ? (transport.pid ?? undefined) : undefined,
    tools,
    async close() {
      closing = true;
      await client.close().catch(() => {});
    },
  };
}

/** The upstream's stderr goes to the debug log, a bounded amount per second, so a chatty server cannot flood the log. */
function drainStderr(transport: StdioClientTransport, logger: Logger): void {
  let windowStart = Date.now();
  let bytes = 0;
  transport.stderr?.on('data', (chunk: Buffer) => {
    const now = Date.now();
    if (now - windowStart > 1000) {
      windowStart = now;
      bytes = 0;
    }
    bytes += chunk.length;
    if (bytes <= 16 * 1024) logger.debug({ pid: transport.pid, stderr: chunk.toString('utf8').slice(0, 2000) }, 'gateway: upstream stderr');
  });
}

function withHeaders(fixed: Record<string, string>, perRequest: (() => Record<string, string>) | undefined): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    for (const [k, v] of Object.entries({ ...fixed, ...perRequest?.() })) headers.set(k, v);
    return fetch(input, { ...init, headers });
  };
}

const INHERITED = process.platform === 'win32' ? ['APPDATA', 'PATH', 'PATHEXT', 'SYSTEMROOT', 'TEMP', 'USERPROFILE'] : ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER', 'LANG', 'TMPDIR'];
function minimalEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of INHERITED) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  return env;
}
