import type { AuthInfo, JSONRPCMessage, Transport } from '@modelcontextprotocol/server';

const encoder = new TextEncoder();

/**
 * The server side of the 2024-11-05 HTTP+SSE transport (TR-11), which SDK v2 no longer ships: a GET opens an
 * event stream whose first event, `endpoint`, names the URL the client POSTs its messages to; every server
 * message then goes down the stream as a `message` event. A thin implementation of the SDK's Transport
 * interface, so the SDK server does all the protocol work.
 * @see https://modelcontextprotocol.io/specification/2024-11-05/basic/transports#http-with-sse
 */
export class SseServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  readonly stream: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(
    readonly sessionId: string,
    /** The POST endpoint announced to the client, relative to the server origin. */
    private readonly endpoint: string,
    private readonly keepAliveMs = 15_000,
  ) {
    this.stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
      },
      cancel: () => {
        void this.close();
      },
    });
  }

  async start(): Promise<void> {
    this.write(`event: endpoint\ndata: ${this.endpoint}\n\n`);
    if (this.keepAliveMs > 0) {
      this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), this.keepAliveMs);
      this.keepAlive.unref?.();
    }
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('SSE stream is closed');
    this.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }

  /** Hands the messages of one POST to the server; answers go down the stream. */
  receive(messages: JSONRPCMessage[], authInfo: AuthInfo): void {
    for (const m of messages) this.onmessage?.(m, { authInfo });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    try {
      this.controller.close();
    } catch {
      // Already closed by the client going away.
    }
    this.onclose?.();
  }

  private write(frame: string): void {
    if (this.closed) return;
    try {
      this.controller.enqueue(encoder.encode(frame));
    } catch (err) {
      this.onerror?.(err as Error);
      void this.close();
    }
  }
}
