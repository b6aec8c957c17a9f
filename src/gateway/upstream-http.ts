import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { urlToHttpOptions } from 'node:url';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
  /** Stops the request (and the answer's body, once it streams). */
  cancel: Cancel;
}

/**
 * Stops one exchange with the upstream: the request, and with it its answer once that streams. One per request,
 * lighter than an AbortController and its event listeners (a few percent of a forwarded call).
 */
export class Cancel {
  reason: Error | undefined;
  private target: { destroy(error?: Error): unknown } | undefined;

  cancel(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    this.target?.destroy(reason);
  }

  /** What `cancel` stops from now on; undefined: nothing any more (the exchange is over). */
  bind(target: { destroy(error?: Error): unknown } | undefined): void {
    this.target = target;
  }

  /** Cancelled when `signal` aborts. */
  static on(signal: AbortSignal): Cancel {
    const c = new Cancel();
    if (signal.aborted) c.cancel(reasonOf(signal));
    else signal.addEventListener('abort', () => c.cancel(reasonOf(signal)), { once: true });
    return c;
  }

  /** Cancelled after `ms`. */
  static after(ms: number): Cancel {
    const c = new Cancel();
    setTimeout(() => c.cancel(new Error(`no answer within ${ms} ms`)), ms).unref();
    return c;
  }
}

/**
 * Plain HTTP to one Streamable HTTP upstream, for the pass-through (pass-through-sessions.ts): node:http on
 * keep-alive connections, the answer handed over as the socket gives it. No web Request/Response, no fetch,
 * no JSON-RPC parsing: the MCP SDK client's second hop cost the gateway more than the upstream's own work.
 */
export class UpstreamHttp {
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  /** Where every request goes, read from the URL once (node would convert a URL object on every request). */
  private readonly target: Pick<RequestOptions, 'protocol' | 'hostname' | 'port' | 'path' | 'auth'>;

  constructor(url: string) {
    const u = new URL(url);
    const https = u.protocol === 'https:';
    this.agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.send = https ? httpsRequest : httpRequest;
    const { protocol, hostname, port, path, auth } = urlToHttpOptions(u);
    this.target = { protocol, hostname, port, path, ...(auth !== undefined && { auth }) };
  }

  /** Resolves with the answer once its headers arrive; rejects on a network error or a cancel before that. `r.headers` gets the Content-Length. */
  request(r: UpstreamRequest): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      if (r.cancel.reason) return reject(r.cancel.reason);
      const headers = r.headers;
      if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
      const t = this.target;
      const req = this.send({ protocol: t.protocol, hostname: t.hostname, port: t.port, path: t.path, ...(t.auth !== undefined && { auth: t.auth }), method: r.method, headers, agent: this.agent });
      r.cancel.bind(req);
      req.once('response', (res) => {
        res.once('close', () => r.cancel.bind(undefined));
        resolve(res);
      });
      req.on('error', (err) => {
        r.cancel.bind(undefined);
        reject(err);
      });
      req.end(r.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function reasonOf(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** The whole body of an answer, as text. */
export function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.once('close', () => res.complete || reject(new Error('the upstream closed the answer')));
  });
}
