/** Requests fed to a node request listener in memory, without sockets: for in-process timing of whole routes. */
import { IncomingMessage, ServerResponse, type RequestListener } from 'node:http';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';

export interface InMemoryAnswer {
  status: number;
  location?: string;
  body: string;
}

/** One request through `listener`, with an in-memory IncomingMessage and ServerResponse. */
export function inMemoryCall(listener: RequestListener, method: string, url: string, headers: Record<string, string>, body = ''): Promise<InMemoryAnswer> {
  return new Promise((done, fail) => {
    const socket = new Socket();
    const req = new IncomingMessage(socket);
    req.method = method;
    req.url = url;
    req.headers = { host: '127.0.0.1', ...headers, ...(body && { 'content-length': String(Buffer.byteLength(body)) }) };
    req.rawHeaders = Object.entries(req.headers).flat() as string[];
    // Node computes headersDistinct from what its parser counted; this request never went through the parser.
    Object.defineProperty(req, 'headersDistinct', { value: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, [v]])) });
    const src = Readable.from(body ? [Buffer.from(body)] : []);
    src.on('data', (c) => req.push(c));
    src.on('end', () => req.push(null));
    const res = new ServerResponse(req);
    const chunks: Buffer[] = [];
    let location: string | undefined;
    const writeHead = res.writeHead.bind(res);
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      const h = rest.find((x) => typeof x === 'object' && x !== null) as Record<string, unknown> | unknown[] | undefined;
      if (Array.isArray(h)) for (let i = 0; i < h.length; i += 2) location = String(h[i]).toLowerCase() === 'location' ? String(h[i + 1]) : location;
      else if (h) for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === 'location') location = String(v);
      return writeHead(status, ...(rest as []));
    }) as never;
    res.write = ((c: string | Buffer) => (chunks.push(Buffer.from(c)), true)) as never;
    res.end = ((c?: string | Buffer | (() => void)) => {
      if (c && typeof c !== 'function') chunks.push(Buffer.from(c));
      const header = res.getHeader('location');
      if (typeof header === 'string') location = header;
      done({ status: res.statusCode, ...(location !== undefined && { location }), body: Buffer.concat(chunks).toString('utf8') });
      return res;
    }) as never;
    try {
      listener(req, res);
    } catch (err) {
      fail(err);
    }
  });
}
