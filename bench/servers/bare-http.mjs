// Scenario 1 baseline: node:http answering a small JSON body; the practical limit of this machine.
import { createServer } from 'node:http';

const body = JSON.stringify({ status: 'ok', items: [{ id: 1, name: 'Test', value: 100 }] });
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`READY ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
