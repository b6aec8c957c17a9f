// Prints the wrk env for a tools/call on a fresh legacy session against the running bench server.
import { openLegacySession, toolsCallBody } from './bench/lib/mcp.js';
const [issuer, mcp] = [process.argv[2]!, process.argv[3]!];
const res = await fetch(`${issuer}/oauth/token`, { method: 'POST', headers: { authorization: 'Basic ZGVtb19jbGllbnQ6ZGVtb19zZWNyZXQ=', 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=client_credentials&scope=read+write&resource=${encodeURIComponent(mcp + '/mcp/v1')}` });
const { access_token } = (await res.json()) as { access_token: string };
const headers = await openLegacySession(`${mcp}/mcp/v1`, access_token);
process.stdout.write(JSON.stringify({ headers: Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n'), body: toolsCallBody('get_data', {}) }));
