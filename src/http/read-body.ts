import type { IncomingMessage } from 'node:http';

/** Reads the body as text, or answers undefined once it grows past `max` bytes (whatever Content-Length said). */
export function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        resolve(undefined);
        req.removeAllListeners('data');
        req.resume(); // drain what is left, so the 413 can still be read on a kept-alive connection
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
