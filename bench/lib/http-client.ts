/**
 * A lean HTTP/1.1 client for the load processes: node:http over one keep-alive agent per process. The flow load
 * (bench/load/clients.ts) sent its requests through fetch (undici), whose web-standard Request, Response, Headers
 * and streams cost the load process more CPU per flow than either server spent answering it, so the load
 * process, not the server, bounded scenario 5 (bench/flows-cpu.ts prints both). Same requests, same keep-alive
 * connections, a fraction of the CPU; the same client drives ours and oidc-provider alike.
 */
import { Agent, request } from 'node:http';

export interface HttpAnswer {
  status: number;
  /** The Location header, when there is one. */
  location: string | undefined;
  /** Every Set-Cookie line. */
  setCookie: string[];
  body: string;
}

const agent = new Agent({ keepAlive: true });

function once(url: string, method: string, headers: Record<string, string>, body?: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, setCookie: res.headers['set-cookie'] ?? [], body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * One request, tried a second time when the socket failed before an answer: a kept-alive connection the server
 * closed after its idle timeout fails the next request on it. HTTP errors are never retried.
 */
export async function httpRequest(url: string, method: string, headers: Record<string, string> = {}, body?: string): Promise<HttpAnswer> {
  try {
    return await once(url, method, headers, body);
  } catch {
    return once(url, method, headers, body);
  }
}
