import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { urlToHttpOptions } from 'node:url';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
  /** Aborts the request (and the answer's body, once it streams). */
  signal: AbortSignal;
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
  private readonly target: RequestOptions;

  constructor(url: string) {
    const u = new URL(url);
    const https = u.protocol === 'https:';
    this.agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.send = https ? httpsRequest : httpRequest;
    this.target = urlToHttpOptions(u);
  }

  /** Resolves with the answer once its headers arrive; rejects on a network error or an abort before that. */
  request(r: UpstreamRequest): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      if (r.signal.aborted) return reject(abortReason(r.signal));
      const headers: Record<string, string> = { ...r.headers };
      if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
      const req = this.send({ ...this.target, method: r.method, headers, agent: this.agent });
      const onAbort = () => req.destroy(abortReason(r.signal));
      r.signal.addEventListener('abort', onAbort, { once: true });
      req.once('response', (res) => {
        res.once('close', () => r.signal.removeEventListener('abort', onAbort));
        resolve(res);
      });
      req.on('error', (err) => {
        r.signal.removeEventListener('abort', onAbort);
        reject(err);
      });
      req.end(r.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function abortReason(signal: AbortSignal): Error {
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
