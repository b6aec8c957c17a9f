/**
 * Holds many MCP clients open against one server, as its own process on the load core (bench/scenarios/many-clients.ts
 * drives it). Commands arrive as JSON lines on stdin, one JSON line answers each on stdout:
 *   {"cmd":"sessions","n":1000}  opens n 2025-11-25 sessions: initialize, notifications/initialized, then the GET
 *                                stream each client holds (as the SDK clients do after initialized)
 *   {"cmd":"streams","n":1000}   opens n 2024-11-05 HTTP+SSE streams (GET {base}/sse), each read up to its endpoint event
 *   {"cmd":"close"}              DELETEs every session and drops every stream; answers once the server saw them go
 *   {"cmd":"exit"}
 * Bounded: every request has a timeout, and the process closes everything and exits after `maxSeconds` whatever
 * it was told. Every held stream is read (keep-alive comments) and counted if the server drops it.
 */
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';

interface Spec {
  /** The MCP endpoint, e.g. http://127.0.0.1:5001/mcp/v1; the 2024-11-05 stream is at `${url}/sse`. */
  url: string;
  token: string;
  /** Requests in flight while opening or closing. */
  concurrency: number;
  maxSeconds: number;
  /** Also send tools/list on each session after initialized (what most clients do next). */
  listTools?: boolean;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const url = new URL(spec.url);
const REQUEST_TIMEOUT_MS = 30_000;
// Short requests share a few keep-alive connections; every held stream has a connection of its own.
const shortAgent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
const base = { host: url.hostname, port: Number(url.port), path: url.pathname };
const auth = { authorization: `Bearer ${spec.token}` };

interface Held {
  req: ClientRequest;
  res: IncomingMessage;
  closing: boolean;
}
const sessions: Array<{ id: string; version: string; stream: Held }> = [];
const streams: Held[] = [];
let dropped = 0;

function send(method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: IncomingMessage['headers']; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ ...base, method, agent: shortAgent, headers: { ...auth, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${method} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens a GET event stream on its own connection; resolves once `ready` says the first bytes are enough. */
function hold(path: string, headers: Record<string, string>, ready: (text: string) => boolean): Promise<{ held: Held; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ ...base, path, method: 'GET', agent: false, headers: { ...auth, accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        req.destroy();
        reject(new Error(`GET ${path}: ${res.statusCode}`));
        return;
      }
      const held: Held = { req, res, closing: false };
      let text = '';
      let settled = false;
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        if (settled) return; // keep-alive comments: read and dropped
        text += d;
        if (ready(text)) {
          settled = true;
          req.setTimeout(0);
          resolve({ held, text });
        }
      });
      res.on('close', () => {
        if (!held.closing) dropped++;
      });
      res.on('error', () => {});
      if (ready('')) {
        settled = true;
        req.setTimeout(0);
        resolve({ held, text });
      }
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

async function openSession(): Promise<void> {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const init = await send('POST', headers, JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench-many', version: '1' } } }));
  const id = init.headers['mcp-session-id'];
  if (init.status !== 200 || typeof id !== 'string') throw new Error(`initialize: ${init.status} ${init.text.slice(0, 200)}`);
  const version = /"protocolVersion":"([^"]+)"/.exec(init.text)?.[1] ?? '2025-11-25';
  const inSession = { ...headers, 'mcp-session-id': id, 'mcp-protocol-version': version };
  const ack = await send('POST', inSession, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
  if (ack.status !== 202) throw new Error(`initialized: ${ack.status}`);
  if (spec.listTools) {
    const list = await send('POST', inSession, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }));
    if (list.status !== 200 || !list.text.includes('get_data')) throw new Error(`tools/list: ${list.status}`);
  }
  // The SDK transport flushes the stream's headers at once and sends nothing until it has a message.
  const { held } = await hold(url.pathname, { 'mcp-session-id': id, 'mcp-protocol-version': version }, () => true);
  sessions.push({ id, version, stream: held });
}

async function openStream(): Promise<void> {
  const { held, text } = await hold(`${url.pathname}/sse`, {}, (t) => t.includes('event: endpoint') && t.includes('\n\n'));
  if (!/sessionId=/.test(text)) throw new Error(`no endpoint event: ${text.slice(0, 200)}`);
  streams.push(held);
}

/** Runs `n` tasks, `concurrency` at a time; returns how many failed and the first error. */
async function pool(n: number, task: (i: number) => Promise<void>): Promise<{ failed: number; firstError?: string }> {
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      try {
        await task(i);
      } catch (err) {
        failed++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(spec.concurrency, n) }, worker));
  return { failed, ...(firstError && { firstError }) };
}

function drop(h: Held): Promise<void> {
  h.closing = true;
  if (h.res.closed) return Promise.resolve();
  return new Promise((resolve) => {
    h.res.once('close', () => resolve());
    h.req.destroy();
  });
}

async function closeAll(): Promise<{ failed: number; firstError?: string }> {
  const all = sessions.splice(0);
  const r = await pool(all.length, async (i) => {
    const s = all[i]!;
    await drop(s.stream);
    const del = await send('DELETE', { 'mcp-session-id': s.id, 'mcp-protocol-version': s.version });
    if (del.status !== 200 && del.status !== 204) throw new Error(`DELETE: ${del.status}`);
  });
  await Promise.all(streams.splice(0).map(drop));
  return r;
}

const t0 = performance.now();
const answer = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
const deadline = setTimeout(() => {
  process.stderr.write(`many-clients: ${spec.maxSeconds} s elapsed, closing everything\n`);
  void closeAll().finally(() => process.exit(2));
  setTimeout(() => process.exit(2), 10_000).unref();
}, spec.maxSeconds * 1000);

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const cmd = JSON.parse(line) as { cmd: string; n?: number };
  const started = performance.now();
  if (cmd.cmd === 'sessions' || cmd.cmd === 'streams') {
    const r = await pool(cmd.n ?? 0, cmd.cmd === 'sessions' ? openSession : openStream);
    answer({ cmd: cmd.cmd, ...r, sessions: sessions.length, streams: streams.length, dropped, ms: performance.now() - started });
  } else if (cmd.cmd === 'close') {
    const r = await closeAll();
    answer({ cmd: 'close', ...r, sessions: sessions.length, streams: streams.length, dropped, ms: performance.now() - started });
  } else if (cmd.cmd === 'status') {
    answer({ cmd: 'status', sessions: sessions.length, streams: streams.length, dropped, uptimeMs: performance.now() - t0 });
  } else if (cmd.cmd === 'exit') {
    await closeAll();
    break;
  }
}
clearTimeout(deadline);
shortAgent.destroy();
process.exit(0);
