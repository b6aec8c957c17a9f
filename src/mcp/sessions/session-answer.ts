/**
 * A session's request and answer without web Request/Response, so a session handler can serve both the Hono
 * route (through {@link downstreamOf} and {@link toResponse}) and a route node:http answers directly
 * (mcp/direct-sessions.ts), with one logic.
 */

/** What a session handler reads of the client's request, whichever server read it. */
export interface Downstream {
  method: string;
  /** A request header as `Headers.get` gives it (lower-case name), undefined when absent. */
  header(name: string): string | undefined;
  /** Calls `listener` once if the client goes away before its answer is written; returns how to stop listening. */
  onGone(listener: () => void): () => void;
}

/** Bytes passed on as they come: `start` is called once with where to write them; `cancel` when the client went away. */
export interface ByteStream {
  start(sink: { write(chunk: Uint8Array): void; end(): void }): void;
  cancel(): void;
}

/** An answer: status, headers, and a whole body, none, or a stream. */
export interface SessionAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | null | ByteStream;
}

/** A JSON answer, as `Response.json` would give it. */
export function jsonAnswer(status: number, value: unknown, headers: Record<string, string> = {}): SessionAnswer {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

/** The Downstream of a web Request (the Hono route). */
export function downstreamOf(request: Request): Downstream {
  return {
    method: request.method,
    header: (name) => request.headers.get(name) ?? undefined,
    onGone(listener) {
      const signal = request.signal;
      signal.addEventListener('abort', listener, { once: true });
      return () => signal.removeEventListener('abort', listener);
    },
  };
}

/** The web Response of an answer (the Hono route). */
export function toResponse(a: SessionAnswer): Response {
  const init = { status: a.status, headers: a.headers };
  if (a.body === null || typeof a.body === 'string') return new Response(a.body, init);
  const bytes = a.body;
  let open = true;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      bytes.start({
        write: (chunk) => open && controller.enqueue(chunk),
        end: () => open && ((open = false), controller.close()),
      });
    },
    cancel() {
      open = false;
      bytes.cancel();
    },
  });
  return new Response(stream, init);
}
