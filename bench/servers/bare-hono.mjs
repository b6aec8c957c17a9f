// Scenario 1 and 6 baseline: a bare Hono app on @hono/node-server answering a small JSON body. Plain JavaScript,
// started both with and without the tsx loader that bin/oauth-mcp.js registers.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/health', (c) => c.json({ status: 'healthy' }));
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 0) }, (info) => {
  process.stdout.write(`READY ${info.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
