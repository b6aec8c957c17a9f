import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { SignJWT } from 'jose';
import { expect } from 'vitest';
import type { DirectRoute } from '../../src/http/direct-route.js';
import type { ObservedServers } from './observed-servers.js';

/**
 * What the parity tests of the routes node:http answers directly share (mcp-stateless-direct.test.ts,
 * mcp-session-direct.test.ts, api-direct.test.ts, gateway-direct.test.ts): a request sent with exact header lines, the answer as compared, the direct routes
 * counted, and the tokens they send.
 */

/** Headers that differ per request or per transport, not per answer. */
export const PER_REQUEST = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'x-request-id']);

export interface Seen {
  status: number;
  headers: Record<string, string>;
  /** The body as sent: compared byte for byte. */
  text: string;
}

/** Headers as a list of [name, value] lines, so a test can repeat one. */
export type Lines = Array<[string, string]>;

/**
 * A request over the network with exactly these header lines (fetch would add its own and refuse Host); the
 * answer's headers without those in `ignored`, and its body as text.
 */
export function rawRequest(port: number, path: string, method: string, lines: Lines, body?: string, ignored: ReadonlySet<string> = PER_REQUEST): Promise<Seen & { requestId: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers: lines.flat(), agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) if (!ignored.has(name)) headers[name] = Array.isArray(value) ? value.join(', ') : value!;
        resolve({ status: res.statusCode!, headers, text, requestId: res.headers['x-request-id'] as string | undefined });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A POST with exactly these header lines, and Content-Length unless `chunked`. */
export function rawPost(port: number, path: string, lines: Lines, body: string, chunked = false): Promise<Seen & { requestId: string | undefined }> {
  const length: Lines = chunked ? [] : [['content-length', String(Buffer.byteLength(body))]];
  return rawRequest(port, path, 'POST', [...lines, ...length], body);
}

/** An in-process answer (`app.request()`) as compared with one over the network. */
export async function seen(res: Response): Promise<Seen> {
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!PER_REQUEST.has(name)) headers[name] = value;
  });
  return { status: res.status, headers, text: await res.text() };
}

/** The routes, counting what they answer themselves: `answered()` is how many requests since the count began. */
export function countedRoutes(routes: readonly DirectRoute[]): { routes: DirectRoute[]; answered(): number } {
  let taken = 0;
  let passed = 0;
  const counted = routes.map((r) => ({
    ...r,
    handle: ((req, res, pass) => {
      const handled = r.handle(req, res, (body) => {
        passed++;
        pass(body);
      });
      if (handled !== false) taken++;
      return handled;
    }) satisfies DirectRoute['handle'],
  }));
  return { routes: counted, answered: () => taken - passed };
}

/** An access token for the MCP endpoint signed with the authorization server's key: any claims, for what a token request would not give. */
export async function mintToken(s: ObservedServers, claims: Record<string, unknown> = {}): Promise<string> {
  const k = s.auth.deps.keys.signingKey();
  return new SignJWT({ iss: s.issuer, sub: 'minted-user', aud: `${s.mcpUrl}/mcp/v1`, client_id: 'demo_client', scope: 'read write', iat: s.clock(), exp: s.clock() + 600, jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: k.alg, typ: 'at+jwt', kid: k.kid })
    .sign(k.privateKey);
}

/** The demo client's client_credentials token for the MCP endpoint; DPoP-bound with a proof. */
export async function demoClientToken(s: ObservedServers, scope = 'read write', dpop?: string): Promise<string> {
  const res = await fetch(`${s.issuer}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('demo_client:demo_secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      ...(dpop && { dpop }),
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource: `${s.mcpUrl}/mcp/v1` }).toString(),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Where a parity test sends each request twice: over the network with the counted direct routes, and in process. */
export interface ParityTarget {
  port: number;
  /** The Host header unless a request names another. */
  host: string;
  app: { request(path: string, init: RequestInit): Response | Promise<Response> };
  counter: ReturnType<typeof countedRoutes>;
}

/**
 * The same POST over the network and in process (`app.request()`), as seen; and whether the direct route answered
 * it itself. `lines` is called once per side, so each gets its own DPoP proof.
 */
export async function bothPaths(
  t: ParityTarget,
  lines: Lines | (() => Promise<Lines>),
  body: string,
  opts: { path?: string; host?: string; chunked?: boolean } = {},
): Promise<[Seen, Seen, boolean]> {
  const make = typeof lines === 'function' ? lines : async () => lines;
  const path = opts.path ?? '/mcp/v1';
  const host = opts.host ?? t.host;
  const a0 = t.counter.answered();
  const { requestId: _id, ...overNetwork } = await rawPost(t.port, path, [['host', host], ...(await make())], body, opts.chunked);
  const answeredDirectly = t.counter.answered() - a0 === 1;
  const headers = new Headers();
  for (const [name, value] of [['host', host], ...(await make())] as Lines) headers.append(name, value);
  const inProcess = await seen(await t.app.request(path, { method: 'POST', headers, body }));
  return [overNetwork, inProcess, answeredDirectly];
}

/** One item in the demo's data, made through the app for `token`'s client: its id, for the tools that take one. */
export async function demoItem(s: ObservedServers, host: string, token: string): Promise<number> {
  const res = await s.mcp.app.request('/api/data', {
    method: 'POST',
    headers: { host, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'first', value: 1 }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}
