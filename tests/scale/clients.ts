import { Client as ClientV2, StreamableHTTPClientTransport as StreamableV2, UnauthorizedError as UnauthorizedV2 } from '@modelcontextprotocol/client';
import { UnauthorizedError as UnauthorizedV1 } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport as StreamableV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { decodeProtectedHeader } from 'jose';
import { TestOAuthProvider } from '../interop/oauth-provider.js';

/**
 * Official SDK clients driven through nginx for the scale-out test. Neither SDK re-initializes by itself when a
 * session is answered with 404 (v2 `StreamableHTTPClientTransport._send` throws SdkHttpError(status 404); v1
 * throws StreamableHTTPError(404); v1's SSE transport throws "Error POSTing to endpoint (HTTP 404)"), and both
 * keep the dead session id. So the application does what the spec asks of it (TR-2): on 404 it connects again
 * with a fresh transport, which sends a new initialize and gets a new session. The OAuth tokens are kept by the
 * provider, so no new authorization is needed.
 */

export type ClientKind = 'v2-streamable' | 'v2-stateless' | 'v1-streamable' | 'v1-sse';

/** Per-call deadline, so a request whose answer died with its instance fails instead of hanging. */
const CALL_TIMEOUT_MS = 5000;

/** An error message on one line, without the HTML body of an nginx error page. */
export function briefly(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .replace(/<html>[\s\S]*<\/html>/i, (page) => /<title>(.*?)<\/title>/i.exec(page)?.[1] ?? 'html page')
    .replace(/\s+/g, ' ')
    .slice(0, 160);
}

/** The HTTP status an SDK error carries, across both SDKs and both transports. */
export function httpStatusOf(err: unknown): number | undefined {
  const e = err as { status?: unknown; code?: unknown; message?: unknown };
  if (typeof e?.status === 'number') return e.status; // v2 SdkHttpError
  if (e?.constructor?.name === 'StreamableHTTPError' && typeof e.code === 'number') return e.code; // v1
  const m = /\(HTTP (\d{3})\)/.exec(String(e?.message ?? '')); // v1 SSE POST
  return m ? Number(m[1]) : undefined;
}

interface Connected {
  call(name: string, args: Record<string, unknown>): Promise<{ structuredContent?: unknown; isError?: boolean }>;
  close(): Promise<void>;
  /** The session id in use: Mcp-Session-Id, or the sessionId of the SSE message endpoint. */
  sessionId(): string | undefined;
}

/** One MCP client of a given SDK and transport, with its OAuth state, able to reconnect after a lost session. */
export class ScaleClient {
  readonly provider = new TestOAuthProvider();
  private connected: Connected | undefined;
  /** Times a new session was started after the old one was lost (404, or a broken connection). */
  reconnects = 0;

  constructor(
    readonly label: string,
    readonly kind: ClientKind,
    private readonly endpoint: URL,
  ) {}

  /** Connects, running the OAuth flow (discovery, registration, PKCE authorization, token) if there are no tokens yet. */
  async connect(): Promise<void> {
    await this.connected?.close().catch(() => undefined);
    this.connected = undefined;
    try {
      this.connected = await this.open();
    } catch (err) {
      if (!(err instanceof UnauthorizedV2 || err instanceof UnauthorizedV1)) throw err;
      await this.finishAuth();
      this.connected = await this.open();
    }
  }

  async reconnect(): Promise<void> {
    this.reconnects++;
    await this.connect();
  }

  async call(name: string, args: Record<string, unknown>) {
    if (!this.connected) await this.connect();
    const result = await this.connected!.call(name, args);
    if (result.isError) throw new Error(`${name} answered isError: ${JSON.stringify(result)}`);
    return result.structuredContent as any;
  }

  sessionId(): string | undefined {
    return this.connected?.sessionId();
  }

  /** The kid of the access token the client holds now. */
  tokenKid(): string | undefined {
    const at = this.provider.tokens()?.access_token;
    return at ? decodeProtectedHeader(at).kid : undefined;
  }

  async close(): Promise<void> {
    await this.connected?.close().catch(() => undefined);
    this.connected = undefined;
  }

  private pendingFinish: (() => Promise<void>) | undefined;

  private async finishAuth(): Promise<void> {
    await this.pendingFinish!();
  }

  private async open(): Promise<Connected> {
    const auth = this.provider as any;
    switch (this.kind) {
      case 'v2-streamable':
      case 'v2-stateless': {
        const options = this.kind === 'v2-stateless' ? ({ versionNegotiation: { mode: 'auto' } } as any) : {};
        const client = new ClientV2({ name: `scale-${this.label}`, version: '1.0.0' }, options);
        const transport = new StreamableV2(this.endpoint, { authProvider: auth });
        client.onerror = () => undefined; // the GET stream of a dead instance fails in the background
        this.pendingFinish = () => transport.finishAuth(this.provider.callback!);
        await client.connect(transport);
        return {
          call: (name, args) => client.callTool({ name, arguments: args }, { timeout: CALL_TIMEOUT_MS }) as any,
          close: () => client.close(),
          sessionId: () => transport.sessionId,
        };
      }
      case 'v1-streamable':
      case 'v1-sse': {
        const client = new ClientV1({ name: `scale-${this.label}`, version: '1.0.0' });
        const transport =
          this.kind === 'v1-sse'
            ? new SSEClientTransport(new URL(`${this.endpoint.href}/sse`), { authProvider: auth })
            : new StreamableV1(this.endpoint, { authProvider: auth });
        client.onerror = () => undefined;
        this.pendingFinish = () => transport.finishAuth(this.provider.takeCode());
        await client.connect(transport);
        return {
          call: (name, args) => client.callTool({ name, arguments: args }, undefined, { timeout: CALL_TIMEOUT_MS }) as any,
          close: () => client.close(),
          sessionId: () =>
            transport instanceof StreamableV1
              ? transport.sessionId
              : // SSEClientTransport keeps the announced endpoint private; the session id is its query parameter.
                ((transport as unknown as { _endpoint?: URL })._endpoint?.searchParams.get('sessionId') ?? undefined),
        };
      }
    }
  }
}

/** What happened to one operation (a tool call, or a whole OAuth flow), for the in-flight accounting. */
export interface OpRecord {
  client: string;
  op: string;
  start: number;
  end: number;
  ok: boolean;
  status?: number | undefined;
  error?: string;
}

export interface Acknowledged {
  id: number;
  name: string;
  value: number;
  client: string;
}

export class Ledger {
  readonly ops: OpRecord[] = [];
  readonly acknowledged: Acknowledged[] = [];
  /** Sessions found gone (404) and replaced by a new one. */
  sessionRecoveries = 0;
  /** A get_data right after an acknowledged create_data that did not list the item. */
  readonly missingAfterCreate: string[] = [];
  /** kid of the access token behind each successful flow, with the time it finished. */
  readonly flowKids: Array<{ kid: string; at: number }> = [];
}

/**
 * Runs one tool call; on a lost session (404) reconnects and retries once, which is the recovery the spec asks
 * for. Any other failure is recorded with its time span, and the client reconnects before its next call.
 */
export async function callWithRecovery(ledger: Ledger, c: ScaleClient, name: string, args: Record<string, unknown>): Promise<any> {
  for (let attempt = 0; ; attempt++) {
    const start = Date.now();
    try {
      const result = await c.call(name, args);
      ledger.ops.push({ client: c.label, op: name, start, end: Date.now(), ok: true });
      return result;
    } catch (err) {
      const end = Date.now();
      const status = httpStatusOf(err);
      if (status === 404 && attempt === 0) {
        ledger.sessionRecoveries++;
        await reconnectPatiently(c);
        continue;
      }
      ledger.ops.push({ client: c.label, op: name, start, end, ok: false, status, error: briefly(err) });
      await reconnectPatiently(c).catch(() => undefined);
      return undefined;
    }
  }
}

/** Reconnects, retrying a few times: the reconnect itself may race an instance that is going down. */
async function reconnectPatiently(c: ScaleClient): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await c.reconnect();
      return;
    } catch (err) {
      if (i >= 5) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** A client's loop: create an item, read the list back (the item must be in it), until `until`. */
export async function toolLoop(ledger: Ledger, c: ScaleClient, until: () => boolean): Promise<void> {
  for (let n = 1; !until(); n++) {
    const name = `${c.label}-${n}`;
    const created = await callWithRecovery(ledger, c, 'create_data', { name, value: n });
    if (!created) continue;
    const item = created.item as { id: number; name: string; value: number };
    ledger.acknowledged.push({ id: item.id, name: item.name, value: item.value, client: c.label });
    const listed = await callWithRecovery(ledger, c, 'get_data', {});
    if (listed && !(listed.items as Array<{ id: number }>).some((i) => i.id === item.id)) ledger.missingAfterCreate.push(`${c.label}#${item.id}`);
  }
}

/**
 * A loop of whole new connections: a new client registers, is authorized, gets tokens, initializes and calls a
 * tool, then closes. Exercises the authorization-server instances the whole time.
 */
export async function flowLoop(ledger: Ledger, label: string, kind: ClientKind, endpoint: URL, until: () => boolean): Promise<void> {
  for (let n = 1; !until(); n++) {
    const c = new ScaleClient(`${label}-${n}`, kind, endpoint);
    const start = Date.now();
    try {
      await c.connect();
      const who = await c.call('oauth_authenticate', {});
      if (who?.subject !== 'demo-user') throw new Error(`unexpected subject ${JSON.stringify(who)}`);
      ledger.ops.push({ client: label, op: 'oauth-flow', start, end: Date.now(), ok: true });
      ledger.flowKids.push({ kid: c.tokenKid()!, at: Date.now() });
    } catch (err) {
      ledger.ops.push({ client: label, op: 'oauth-flow', start, end: Date.now(), ok: false, status: httpStatusOf(err), error: briefly(err) });
    } finally {
      await c.close();
    }
  }
}
