// The floor of an HTTP hop in node for G1 (bench/load/g1-cpu.ts): a node:http server that forwards each POST to
// one upstream on a keep-alive node:http agent and streams the answer back as it comes, headers and all. No
// bearer check, no log context, audit, metrics, session table or scope gate: what the gateway's pass-through
// costs beyond this is its own work. UPSTREAM=<url>, PORT=<port>.
import { Agent, createServer, request } from 'node:http';

const upstream = new URL(process.env.UPSTREAM);
const agent = new Agent({ keepAlive: true });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host']);

const server = createServer((req, res) => {
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
  const up = request({ hostname: upstream.hostname, port: upstream.port, path: upstream.pathname, method: req.method, headers, agent }, (answer) => {
    const out = {};
    for (const [k, v] of Object.entries(answer.headers)) if (!HOP.has(k)) out[k] = v;
    res.writeHead(answer.statusCode ?? 502, out);
    answer.pipe(res);
  });
  up.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502).end());
  req.pipe(up);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => process.stdout.write(`READY ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
