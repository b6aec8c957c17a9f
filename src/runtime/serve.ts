import type { Hono } from 'hono';
import type { RequestListener } from 'node:http';
import { requestListener, type DirectRoute } from '../http/direct-route.js';
import { listen, type Listening, type TlsFiles } from './listen.js';

/** Where to serve: port 0 (the default) picks a free one; host defaults to 127.0.0.1. */
export interface ListenOptions {
  port?: number;
  host?: string;
  /** PEM certificate chain and key, to serve https directly. */
  tls?: TlsFiles;
}

/** A server that is listening: its base URL (from host and the actual port), and how to stop it. */
export interface Served extends Listening {
  url: string;
}

/**
 * What both factories return: one app, mountable anywhere. `fetch` is the web-standard handler (Hono's
 * `app.mount('/', x.fetch)`, Bun, Deno, workers); `node` a node:http request listener that is also an Express
 * middleware (`app.use(x.node)`); `listen()` serves it on node:http.
 */
export interface HttpApp {
  fetch(request: Request): Promise<Response>;
  node: RequestListener;
  /** The Hono app itself, for `app.route('/', x.app)`. */
  app: Hono;
  /** Routes node:http answers ahead of the app (http/direct-route.ts); part of `node` and `listen()` already. */
  directRoutes: readonly DirectRoute[];
  listen(options?: ListenOptions): Promise<Served>;
  /** Stops what the app holds (sessions, queued audit events); servers started by listen() are closed too. */
  close(): Promise<void>;
}

/** Builds the HttpApp of a Hono app with its node:http direct routes (http/direct-route.ts) and its own close. */
export function httpApp(app: Hono, direct: readonly DirectRoute[], closeApp: () => Promise<void>): HttpApp {
  const started: Listening[] = [];
  const node = requestListener(app, direct);
  return {
    app,
    directRoutes: direct,
    fetch: async (request) => app.fetch(request),
    node,
    async listen(options = {}) {
      const host = options.host ?? '127.0.0.1';
      const listening = await listen(app, host, options.port ?? 0, options.tls, direct);
      started.push(listening);
      const shownHost = host.includes(':') ? `[${host}]` : host;
      return { ...listening, url: `${options.tls ? 'https' : 'http'}://${shownHost}:${listening.port}` };
    },
    async close() {
      await Promise.all(started.splice(0).map((s) => s.close()));
      await closeApp();
    },
  };
}
