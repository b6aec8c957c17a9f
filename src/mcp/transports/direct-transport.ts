import type { AuthInfo, JSONRPCMessage, JSONRPCResponse, Transport } from '@modelcontextprotocol/server';

/**
 * An in-process transport that turns one JSON-RPC request into a promise of its response, so a single
 * long-lived SDK server can answer the original's plain endpoints (POST /mcp/v1/tools/call, ...) without a
 * server and transport per request. Ids are rewritten so concurrent callers never collide. The SDK has no
 * such transport (its InMemoryTransport is a linked pair meant for a client), so this is a thin one of ours.
 */
export class DirectTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  private readonly pending = new Map<string, (response: JSONRPCResponse) => void>();
  private nextId = 0;

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    // Only responses matter; server-initiated requests and notifications have nowhere to go on a plain endpoint.
    if (!('id' in message) || !('result' in message || 'error' in message)) return;
    const key = String(message.id);
    const resolve = this.pending.get(key);
    if (!resolve) return;
    this.pending.delete(key);
    resolve(message as JSONRPCResponse);
  }

  async close(): Promise<void> {
    for (const [key, resolve] of this.pending) {
      resolve({ jsonrpc: '2.0', id: key, error: { code: -32000, message: 'Connection closed' } });
    }
    this.pending.clear();
    this.onclose?.();
  }

  /** Dispatches one request and resolves with the server's response (its id is the internal one). */
  request(method: string, params: Record<string, unknown> | undefined, authInfo: AuthInfo): Promise<JSONRPCResponse> {
    const id = `direct-${++this.nextId}`;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      const message = { jsonrpc: '2.0' as const, id, method, ...(params !== undefined && { params }) };
      if (!this.onmessage) {
        this.pending.delete(id);
        resolve({ jsonrpc: '2.0', id, error: { code: -32000, message: 'Not connected' } });
        return;
      }
      this.onmessage(message, { authInfo });
    });
  }
}
