import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';


/** An https request that trusts only the test's own certificate. */
function httpsJson(url: string, ca: Buffer, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, ca }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** AS-14: both servers can serve https themselves (TLS_CERT_FILE / TLS_KEY_FILE), as `oauth-mcp start` runs them. */
describe('https served directly (AS-14)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-mcp-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  let child: ChildProcess;
  let issuer: string;
  let mcpUrl: string;
  let ca: Buffer;
  let output = '';

  beforeAll(async () => {
    // A self-signed certificate for 127.0.0.1, made here: nothing is downloaded.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
    ca = readFileSync(certFile);
    const [asPort, mcpPort] = [await freePort(), await freePort()];
    issuer = `https://127.0.0.1:${asPort}`;
    mcpUrl = `https://127.0.0.1:${mcpPort}`;
    child = spawn(process.execPath, ['bin/oauth-mcp.js', 'start'], {
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
        OAUTH_SERVER_PORT: String(asPort),
        MCP_SERVER_PORT: String(mcpPort),
        OAUTH_ISSUER: issuer,
        MCP_SERVER_URL: mcpUrl,
        TLS_CERT_FILE: certFile,
        TLS_KEY_FILE: keyFile,
        // The MCP server fetches the issuer's JWKS over https: it must trust the same certificate.
        NODE_EXTRA_CA_CERTS: certFile,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ok = await Promise.all([httpsJson(`${issuer}/health`, ca), httpsJson(`${mcpUrl}/health`, ca)]).then(
        (r) => r.every((x) => x.status === 200),
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`servers did not start over https:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 45_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('metadata names https endpoints, a token is issued over https, and the MCP server verifies it through the https JWKS', async () => {
    const meta = await httpsJson(`${issuer}/.well-known/oauth-authorization-server`, ca);
    expect(meta.body.issuer).toBe(issuer);
    expect(meta.body.token_endpoint).toBe(`${issuer}/oauth/token`);
    const token = await httpsJson(`${issuer}/oauth/token`, ca, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('demo_client:demo_secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=read',
    });
    expect(token.status).toBe(200);
    const data = await httpsJson(`${mcpUrl}/api/data`, ca, { headers: { authorization: `Bearer ${token.body.access_token}` } });
    expect(data.status).toBe(200);
    expect(data.body).toMatchObject({ items: [] });
  });

  it('a client that does not trust the certificate cannot connect (it really is TLS)', async () => {
    await expect(httpsJson(`${issuer}/health`, Buffer.from(''))).rejects.toThrow();
  });
});

describe('TLS configuration stops start-up with one line', () => {
  it('an unreadable TLS_CERT_FILE names the variable', () => {
    let stderr = '';
    try {
      execFileSync(process.execPath, ['bin/oauth-mcp.js', 'start'], {
        env: { ...process.env, TLS_CERT_FILE: '/nonexistent/cert.pem', TLS_KEY_FILE: '/nonexistent/key.pem', OAUTH_ISSUER: 'https://127.0.0.1:5000', MCP_SERVER_URL: 'https://127.0.0.1:5001', DATABASE_URL: 'sqlite::memory:' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      stderr = String((err as { stderr: Buffer }).stderr);
      expect((err as { status: number }).status).toBe(2);
    }
    expect(stderr.trim()).toBe('mcp-auth-server: configuration error: TLS_CERT_FILE: cannot read /nonexistent/cert.pem (ENOENT)');
  });
});
