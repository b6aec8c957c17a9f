import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown> | undefined;
}

/**
 * A Streamable HTTP upstream written by hand, so the tests see exactly what the gateway sends and control what
 * it answers: sessions (`up-1`, `up-2`, ...), JSON or SSE answers, progress, a tool that never answers, a
 * restart that forgets every session (404 afterwards, as the transport spec says).
 *   read_thing (readOnlyHint): SSE, a progress notification then the result;  write_thing: JSON result;
 *   broken: isError result;  hang: SSE headers, then nothing;  ask: an elicitation request to the client on the
 *   POST's stream, answered with the client's answer once it arrives.
 */
export async function startFakeUpstream() {
  const seen: SeenRequest[] = [];
  let sessions = new Set<string>();
  let next = 1;
  const waiting = new Map<string | number, (answer: unknown) => void>();
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      seen.push({ method: req.method!, headers: req.headers, body });
      const sid = req.headers['mcp-session-id'] as string | undefined;
      if (req.method === 'DELETE') {
        sessions.delete(sid!);
        return void res.writeHead(200).end();
      }
      if (req.method === 'GET') {
        if (!sid || !sessions.has(sid)) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        return void res.write(': open\n\n');
      }
      if (body?.['method'] === 'initialize') {
        const id = `up-${next++}`;
        sessions.add(id);
        const params = body['params'] as { protocolVersion: string };
        return json(res, { jsonrpc: '2.0', id: body['id'], result: { protocolVersion: params.protocolVersion, capabilities: { tools: { listChanged: true }, experimental: { secret: {} } }, serverInfo: { name: 'fake-upstream', version: '1.0.0' }, instructions: 'be nice' } }, id);
      }
      if (!sid || !sessions.has(sid)) return json(res, { jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } }, undefined, 404);
      if (body && body['method'] === undefined && body['id'] !== undefined) {
        waiting.get(body['id'] as string)?.(body['result'] ?? body['error']);
        return void res.writeHead(202).end();
      }
      if (typeof body?.['method'] === 'string' && (body['method'] as string).startsWith('notifications/')) return void res.writeHead(202).end();
      const id = body?.['id'];
      if (body?.['method'] === 'tools/list') {
        return json(res, { jsonrpc: '2.0', id, result: { tools: [{ name: 'read_thing', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } }, { name: 'write_thing', inputSchema: { type: 'object' } }, { name: 'broken', inputSchema: { type: 'object' } }, { name: 'hang', inputSchema: { type: 'object' } }, { name: 'ask', inputSchema: { type: 'object' } }] } }, sid);
      }
      if (body?.['method'] !== 'tools/call') return json(res, { jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } }, sid);
      const params = body['params'] as { name: string; _meta?: { progressToken?: string | number } };
      const text = (t: string) => ({ content: [{ type: 'text', text: t }] });
      switch (params.name) {
        case 'write_thing':
          return json(res, { jsonrpc: '2.0', id, result: text('written') }, sid);
        case 'broken':
          return json(res, { jsonrpc: '2.0', id, result: { ...text('it broke'), isError: true } }, sid);
        case 'read_thing': {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': sid });
          const token = params._meta?.progressToken;
          if (token !== undefined) res.write(event({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: 1, total: 2 } }));
          return void setTimeout(() => res.end(event({ jsonrpc: '2.0', id, result: text('read') })), 20);
        }
        case 'hang':
          res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': sid });
          return void res.write(': started\n\n');
        case 'ask': {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': sid });
          const askId = `ask-${next++}`;
          waiting.set(askId, (answer) => res.end(event({ jsonrpc: '2.0', id, result: text(`the client said ${JSON.stringify(answer)}`) })));
          return void res.write(event({ jsonrpc: '2.0', id: askId, method: 'elicitation/create', params: { mode: 'form', message: 'your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } } }));
        }
        default:
          return json(res, { jsonrpc: '2.0', id, error: { code: -32602, message: `Unknown tool ${params.name}` } }, sid);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    seen,
    /** Posts of one JSON-RPC method. */
    calls: (method: string) => seen.filter((s) => s.body?.['method'] === method),
    /** Forgets every session, as a restarted server does. */
    restart: () => void (sessions = new Set()),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function json(res: ServerResponse, message: unknown, sessionId: string | undefined, status = 200) {
  res.writeHead(status, { 'content-type': 'application/json', ...(sessionId && { 'mcp-session-id': sessionId }) });
  res.end(JSON.stringify(message));
}

const event = (message: unknown) => `event: message\ndata: ${JSON.stringify(message)}\n\n`;
