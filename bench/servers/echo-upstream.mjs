// A trivial Streamable HTTP MCP upstream for measuring the gateway alone (bench/load/gateway-cpu.ts): one
// session per initialize, tools/call echo answered over SSE the way server-everything (SDK v1) answers it: a
// priming event, the result event, and the end of the stream a moment later (chunked), so the gateway streams
// the answer as it does in G1. ECHO_ONE_WRITE=1: the whole answer in one write instead.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const tools = [{ name: 'echo', description: 'Echoes back the input', inputSchema: { type: 'object', properties: { message: { type: 'string' } } } }];
const ONE_WRITE = process.env.ECHO_ONE_WRITE === '1';
const sse = (message) => `event: message\ndata: ${JSON.stringify(message)}\n\n`;

const server = createServer((req, res) => {
  if (req.method === 'DELETE') return void res.writeHead(200).end();
  if (req.method !== 'POST') return void res.writeHead(405).end();
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const m = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (m.id === undefined) return void res.writeHead(202).end();
    let result;
    const headers = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
    if (m.method === 'initialize') {
      headers['mcp-session-id'] = randomUUID();
      result = { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'echo-upstream', version: '1' } };
    } else if (m.method === 'tools/list') result = { tools };
    else if (m.method === 'tools/call') result = { content: [{ type: 'text', text: `Echo: ${m.params.arguments?.message ?? ''}` }] };
    else result = {};
    res.writeHead(200, headers);
    if (ONE_WRITE) return void res.end(sse({ jsonrpc: '2.0', id: m.id, result }));
    res.write(`id: ${randomUUID()}\ndata: \n\n`);
    res.write(sse({ jsonrpc: '2.0', id: m.id, result }));
    setImmediate(() => res.end());
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => process.stdout.write(`READY ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
