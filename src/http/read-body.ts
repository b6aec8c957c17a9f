import type { IncomingMessage } from 'node:http';

/**
 * Reads the body as text and calls `done` with it, or with undefined once it grows past `max` bytes (whatever
 * Content-Length said); `failed` on a stream error. One of the two is called, once. No promise: the token route
 * answers in the body's own callback (BENCHMARKS.md, scenario 4).
 */
export function readBodyThen(req: IncomingMessage, max: number, done: (body: string | undefined) => void, failed: (err: unknown) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > max) {
      req.removeAllListeners('data');
      req.resume(); // drain what is left, so the 413 can still be read on a kept-alive connection
      if (!settled) {
        settled = true;
        done(undefined);
      }
    } else chunks.push(chunk);
  });
  req.on('end', () => {
    if (settled) return;
    settled = true;
    done(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
  });
  req.on('error', (err) => {
    if (settled) return;
    settled = true;
    failed(err);
  });
}

/** Reads the body as text, or answers undefined once it grows past `max` bytes (whatever Content-Length said). */
export function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => readBodyThen(req, max, resolve, reject));
}
