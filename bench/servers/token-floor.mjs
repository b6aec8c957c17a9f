// Scenario 4 bound: what a token endpoint on this machine costs when it does nothing but the unavoidable. Raw
// node:http reads the form, signs one ES256 JWT with the claims ours carries (node:crypto, as src/keys/jws.ts does)
// and answers with the same headers as ours (security, CORS, no-store, request id). No client lookup or secret
// check, no scope or resource rules, no audit row, no log context, no metrics. Not a server to use: a ruler.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const header = b64url({ alg: 'ES256', typ: 'at+jwt', kid: 'floor-key-0123456789abcdefghijklmnopqrstuvwx' });
const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Frame-Options': 'DENY',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'X-XSS-Protection': '0',
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'WWW-Authenticate,Retry-After',
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'Content-Type': 'application/json',
};

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const iat = Math.floor(Date.now() / 1000);
    const claims = { client_id: 'demo_client', scope: form.get('scope') ?? '', iss: 'http://127.0.0.1', sub: 'demo_client', aud: form.get('resource') ?? '', iat, exp: iat + 3600, jti: randomUUID() };
    const input = `${header}.${b64url(claims)}`;
    const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    const body = JSON.stringify({ access_token: `${input}.${signature}`, token_type: 'Bearer', expires_in: 3600, scope: claims.scope });
    res.writeHead(200, { ...HEADERS, 'X-Request-Id': randomUUID(), 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`READY ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
