import type { IncomingMessage } from 'node:http';
import { isSse } from './json-rpc-body.js';

/**
 * The answer's first bytes: resolves at its end, when it breaks, or one turn of the event loop after the first
 * chunk (the end of a short answer comes with it); the stream is left paused.
 */
export function firstBytes(res: IncomingMessage, timer: IdleTimer): Promise<{ chunks: Buffer[]; ended: boolean; broken: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let later: NodeJS.Immediate | undefined;
    const settle = (ended: boolean, broken: boolean) => {
      clearImmediate(later);
      res.off('data', onData).off('end', onEnd).off('error', onBroken).off('close', onClose);
      res.on('error', () => {}); // an error after this point is the streaming path's, or nobody's
      if (!ended && !broken) res.pause();
      resolve({ chunks, ended, broken });
    };
    const onData = (chunk: Buffer) => {
      timer.touch();
      chunks.push(chunk);
      later ??= setImmediate(() => settle(false, false));
    };
    const onEnd = () => settle(true, false);
    const onBroken = () => settle(false, true);
    const onClose = () => (res.complete ? settle(true, false) : settle(false, true));
    res.on('data', onData).once('end', onEnd).on('error', onBroken).once('close', onClose);
  });
}

/** Fires once nothing happened for `ms`; `touch` restarts it. One timer, re-armed lazily, not one per chunk. */
export class IdleTimer {
  private last = performance.now();
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly ms: number,
    private readonly fire: () => void,
  ) {
    this.arm(ms);
  }
  touch(): void {
    this.last = performance.now();
  }
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
  private arm(delay: number): void {
    this.timer = setTimeout(() => {
      const idle = performance.now() - this.last;
      if (idle >= this.ms) this.fire();
      else this.arm(this.ms - idle);
    }, delay);
    this.timer.unref?.();
  }
}

/** An upstream answer streamed back as it comes (the GET stream of upstream-initiated messages). */
export function streamBack(res: IncomingMessage, sessionId: string): Response {
  const status = res.statusCode ?? 502;
  const contentType = headerOf(res, 'content-type');
  const headers = { ...(contentType && { 'content-type': contentType }), 'mcp-session-id': sessionId, ...(isSse(contentType) && { 'cache-control': 'no-cache' }) };
  if (status === 202 || status === 204) {
    res.resume();
    return new Response(null, { status, headers });
  }
  let open = true;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const end = () => {
        if (open) (open = false), controller.close();
      };
      res.on('data', (chunk: Buffer) => open && controller.enqueue(chunk));
      res.once('end', end);
      res.on('error', end);
      res.once('close', end);
    },
    cancel() {
      open = false;
      res.destroy();
    },
  });
  return new Response(stream, { status, headers });
}

/** One value of a response header. */
export const headerOf = (res: IncomingMessage, name: string) => {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
};
