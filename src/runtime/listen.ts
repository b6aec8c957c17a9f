import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Listening {
  server: Server;
  port: number;
  /** Stops accepting connections, lets in-flight requests finish, then cuts what is left after `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

/** PEM certificate chain and private key, for serving https directly. */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/**
 * Serves a Hono app on host:port (port 0 picks a free one), over https when `tls` is given, and resolves once
 * it is listening.
 */
export function listen(app: Hono, host: string, port: number, tls?: TlsFiles): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const options = tls ? { createServer: createHttpsServer, serverOptions: { cert: tls.cert, key: tls.key } } : {};
    const server = serve({ fetch: app.fetch, hostname: host, port, ...options }) as Server;
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const actual = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: actual,
        close: (graceMs = 5000) =>
          new Promise<void>((done) => {
            // Idle keep-alive sockets go at once, and each busy one as soon as its response is done; open
            // streams (SSE) get the grace period, then are cut.
            const timer = setTimeout(() => server.closeAllConnections(), graceMs);
            const sweep = setInterval(() => server.closeIdleConnections(), 50);
            timer.unref();
            sweep.unref();
            server.close(() => {
              clearTimeout(timer);
              clearInterval(sweep);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
