import type { Hono } from 'hono';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestListener, type DirectRoute } from '../http/direct-route.js';

/** How long an idle keep-alive connection stays open: longer than nginx's upstream keepalive_timeout (60 s). */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

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
 * Serves a Hono app on host:port (port 0 picks a free one), over https when `tls` is given, with `direct` routes
 * answered by node:http ahead of it (http/direct-route.ts), and resolves once it is listening.
 */
export async function listen(app: Hono, host: string, port: number, tls?: TlsFiles, direct: readonly DirectRoute[] = []): Promise<Listening> {
  const listener = requestListener(app, direct, host);
  // node:https is loaded only to serve TLS: most deployments terminate it at a proxy (start-up cost, BENCHMARKS.md scenario 6).
  const server = (tls ? (await import('node:https')).createServer({ cert: tls.cert, key: tls.key }, listener) : createServer(listener)) as Server;
  return new Promise((resolve, reject) => {
    // A proxy keeps idle connections to us open for reuse (nginx's upstream keepalive_timeout: 60 s). If we close an
    // idle one first (node's default: 5 s), a request the proxy sends on it at that moment fails, and nginx answers
    // a POST with 502, since it never re-sends a non-idempotent request. So the proxy must be the one to close:
    // our idle timeout is longer than its (docs/deploy.md). headersTimeout must stay above keepAliveTimeout.
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
    server.once('error', reject);
    server.listen(port, host);
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
