// A trivial Streamable HTTP MCP upstream for measuring the gateway alone (bench/load/gateway-cpu.ts): one
// session per initialize, tools/call echo answered with one SSE event as server-everything answers it.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const tools = [{ name: 'echo', description: 'Echoes back the input', inputSchema: { type: 'object', properties: { message: { type: 'string' } } } }];
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
    res.end(sse({ jsonrpc: '2.0', id: m.id, result }));
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => process.stdout.write(`READY ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
