import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * `node` behind a server that reads each body first, as a body parser in front of it would (keeping it in
 * `rawBody`, as @hono/node-server reads it): the direct routes must leave such requests to the app.
 */
export async function behindBodyParser(node: RequestListener): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      (req as typeof req & { rawBody?: Buffer }).rawBody = Buffer.concat(chunks);
      void node(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
