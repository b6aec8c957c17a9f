import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctorCommand } from '../../src/cli/doctor.js';
import type { CliIo } from '../../src/cli/context.js';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { PROBE_CLIENT_NAME } from '../../src/cli/doctor/context.js';
import { runDoctor } from '../../src/cli/doctor/doctor.js';
import { createProber } from '../../src/cli/doctor/probe.js';
import type { DoctorReport, Row } from '../../src/cli/doctor/report.js';
import { authorizationServerMetadataUrls, protectedResourceMetadataUrls } from '../../src/cli/doctor/well-known.js';
import { parseChallenge } from '../../src/cli/doctor/www-authenticate.js';
import { silentLogger } from '../../src/log/logger.js';
import { buildAuthServer, buildMcpServer } from '../../src/cli/compose.js';
import { listen, type Listening } from '../../src/runtime/listen.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { freePort } from '../helpers/ports.js';

/**
 * `oauth-mcp doctor` against this project's real servers on real ports (everything passes) and against a small,
 * deliberately broken server (the right rows fail, each naming its rule).
 */


function doctor(mcpUrl: string, opts: { timeoutMs?: number; register?: boolean } = {}): Promise<DoctorReport> {
  let port = 40000;
  return runDoctor({
    prober: createProber({ fetch: globalThis.fetch, timeoutMs: opts.timeoutMs ?? 5000, now: () => performance.now() }),
    mcpUrl,
    corsOrigin: 'http://localhost:6274',
    register: opts.register ?? true,
    randomPort: () => port++,
  });
}

function row(report: DoctorReport, check: string | RegExp): Row {
  const found = report.rows.find((r) => (typeof check === 'string' ? r.check === check : check.test(r.check)));
  if (!found) throw new Error(`no row ${String(check)} in:\n${report.rows.map((r) => `${r.verdict} ${r.check}`).join('\n')}`);
  return found;
}

function captureIo(): CliIo & { out: () => string } {
  let out = '';
  const sink = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
  return { stdin: process.stdin, stdout: sink, stderr: sink, out: () => out };
}

describe('doctor against this project', () => {
  let servers: Listening[] = [];
  let store: Store;
  let closeMcp: () => Promise<void>;
  let mcpUrl: string;

  beforeAll(async () => {
    const [authPort, mcpPort] = [await freePort(), await freePort()];
    const config = loadConfig({
      DATABASE_URL: 'sqlite::memory:',
      RATE_LIMIT_PER_MINUTE: '0',
      OAUTH_SERVER_PORT: String(authPort),
      OAUTH_ISSUER: `http://127.0.0.1:${authPort}`,
      MCP_SERVER_PORT: String(mcpPort),
      MCP_SERVER_URL: `http://127.0.0.1:${mcpPort}`,
    });
    store = await openStore(config.databaseUrl);
    const base = { store, logger: silentLogger(), clock: systemClock };
    const auth = await buildAuthServer(config, base);
    const mcp = await buildMcpServer(config, base);
    closeMcp = async () => mcp.close();
    servers = [await listen(auth.app, '127.0.0.1', authPort), await listen(mcp.app, '127.0.0.1', mcpPort)];
    mcpUrl = `${config.mcpServer.url}/mcp/v1`;
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close(0)));
    await closeMcp();
    await store.close();
  });

  it('every probe passes: RS-1..3, AS-1, AS-2, notes 1-3, 6, 12, 16', async () => {
    const report = await doctor(mcpUrl);
    const notPassing = report.rows.filter((r) => r.verdict !== 'pass');
    expect(notPassing).toEqual([]);
    const rules = report.rows.map((r) => r.rule).join(' ');
    for (const rule of ['RS-1', 'RS-2', 'RS-3', 'AS-1', 'AS-2', 'note 1', 'note 2', 'note 3', 'note 6', 'note 12', 'note 16']) {
      expect(rules).toContain(rule);
    }
    expect(row(report, /^resource metadata at the challenge URL = path-aware/).verdict).toBe('pass');
    expect(row(report, 'AS metadata, OpenID discovery').verdict).toBe('pass');
    expect(row(report, 'registers cursor:// (Cursor)').detail).toContain('cursor://anysphere.cursor-mcp/oauth/callback');
  });

  it('says which clients it registered, and they are really there under the probe name', async () => {
    const report = await doctor(mcpUrl);
    expect(report.registeredClients).toHaveLength(1);
    const client = await store.getClient(report.registeredClients[0]!.clientId);
    expect(client?.clientName).toBe(PROBE_CLIENT_NAME);
    expect(client?.redirectUris).toContain('http://127.0.0.1/callback');
  });

  it('--no-register registers nothing and skips those rows', async () => {
    const report = await doctor(mcpUrl, { register: false });
    expect(report.registeredClients).toEqual([]);
    expect(row(report, 'registers cursor:// (Cursor)').verdict).toBe('skip');
  });

  it('the command: --json output, exit code 0, and the side effect named in the text output', async () => {
    const json = captureIo();
    expect(await runDoctorCommand([mcpUrl, '--json'], json, {})).toBe(0);
    const parsed = JSON.parse(json.out()) as { ok: boolean; counts: Record<string, number>; rows: Row[] };
    expect(parsed.ok).toBe(true);
    expect(parsed.counts.fail).toBe(0);
    expect(parsed.rows.length).toBeGreaterThan(15);

    const text = captureIo();
    expect(await runDoctorCommand([mcpUrl], text, {})).toBe(0);
    expect(text.out()).toContain(`named "${PROBE_CLIENT_NAME}" were registered`);
    expect(text.out()).not.toContain('\u001b['); // not a TTY: no colour
  });

  it('refuses a missing or non-http URL with exit code 2', async () => {
    expect(await runDoctorCommand([], captureIo(), {})).toBe(2);
    expect(await runDoctorCommand(['cursor://x'], captureIo(), {})).toBe(2);
  });
});

/**
 * A deployment with the mistakes of the interop notes: the issuer in the metadata has a trailing slash the resource
 * metadata does not (note 5), no S256 advertised (AS-2), no CORS anywhere (note 12), registration refusing
 * 127.0.0.1 without naming the URI (notes 2, 3), no root resource metadata (note 6), and an OpenID document that
 * never answers (note 16).
 */
function brokenServer(origin: () => string): Hono {
  const app = new Hono();
  app.post('/mcp', (c) =>
    c.json({ error: 'unauthorized' }, 401, { 'WWW-Authenticate': `Bearer resource_metadata="${origin()}/.well-known/oauth-protected-resource/mcp"` }),
  );
  app.get('/.well-known/oauth-protected-resource/mcp', (c) =>
    c.json({ resource: `${origin()}/mcp`, authorization_servers: [origin()], scopes_supported: ['mcp'] }),
  );
  app.get('/.well-known/oauth-authorization-server', (c) =>
    c.json({
      issuer: `${origin()}/`,
      authorization_endpoint: `${origin()}/authorize`,
      token_endpoint: `${origin()}/token`,
      registration_endpoint: `${origin()}/register`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['none'],
    }),
  );
  app.get('/.well-known/openid-configuration', () => new Promise<Response>(() => undefined));
  app.post('/register', async (c) => {
    const body = await c.req.json<{ redirect_uris: string[] }>();
    if (body.redirect_uris.some((u) => u.startsWith('http://127.0.0.1'))) return c.json({ error: 'invalid_redirect_uri' }, 400);
    return c.json({ client_id: `c${Math.random().toString(36).slice(2)}`, ...body }, 201);
  });
  app.post('/token', (c) => c.json({ error: 'invalid_grant' }, 400));
  return app;
}

describe('doctor against a broken server', () => {
  let server: Listening;
  let report: DoctorReport;

  beforeAll(async () => {
    let origin = '';
    server = await listen(brokenServer(() => origin), '127.0.0.1', 0);
    origin = `http://127.0.0.1:${server.port}`;
    report = await doctor(`${origin}/mcp`, { timeoutMs: 1000 });
  });

  afterAll(async () => {
    await server.close(0);
  });

  it('RS-3 and RS-1 pass where the server gets them right', () => {
    expect(row(report, '401 challenge on initialize without a token').verdict).toBe('pass');
    expect(row(report, /^resource metadata at the challenge URL/).verdict).toBe('pass');
  });

  it('note 6: a missing root resource metadata document is a warning', () => {
    const r = row(report, 'resource metadata at root well-known');
    expect(r).toMatchObject({ verdict: 'warn', rule: 'RS-2, note 6' });
  });

  it('AS-1, note 5: an issuer differing only by a trailing slash fails the exact match', () => {
    const r = row(report, 'AS metadata, OAuth (RFC 8414)');
    expect(r).toMatchObject({ verdict: 'fail', rule: 'AS-1' });
    expect(r.detail).toContain('trailing slash');
    expect(row(report, 'a client can use the AS metadata').verdict).toBe('fail');
  });

  it('AS-2: no code_challenge_methods_supported fails the S256 row', () => {
    expect(row(report, 'PKCE S256 advertised')).toMatchObject({ verdict: 'fail', rule: 'AS-2' });
    expect(row(report, 'response type "code" advertised').verdict).toBe('pass');
  });

  it('note 12: no CORS fails every CORS row', () => {
    for (const check of ['CORS: resource metadata', 'CORS: AS metadata', 'CORS: token endpoint', 'CORS: registration endpoint', 'CORS: token response readable']) {
      expect(row(report, check), check).toMatchObject({ verdict: 'fail', rule: 'note 12' });
    }
  });

  it('notes 1-3: 127.0.0.1 refused (and the refusal does not name the URI); localhost, [::1], cursor:// accepted', () => {
    const refused = row(report, 'registers http://127.0.0.1:<any port>');
    expect(refused).toMatchObject({ verdict: 'fail', rule: 'note 1, AS-7' });
    expect(refused.detail).toContain('does not say which URI');
    expect(row(report, 'registers http://127.0.0.1 without a port')).toMatchObject({ verdict: 'fail', rule: 'note 2, AS-7' });
    expect(row(report, 'registers http://localhost:<any port> (mcp-remote)').verdict).toBe('pass');
    expect(row(report, 'registers http://[::1]:<any port>').verdict).toBe('pass');
    expect(row(report, 'registers cursor:// (Cursor)').verdict).toBe('pass');
    // The combined registration was refused, so each URI was tried alone: three clients were created.
    expect(report.registeredClients).toHaveLength(3);
  });

  it('note 16: a probe with no answer within the timeout fails, and so does the response-time row', () => {
    const oidc = row(report, 'AS metadata, OpenID discovery');
    expect(oidc.verdict).toBe('fail');
    expect(oidc.detail).toContain('no answer within 1 s');
    const timing = row(report, /^response times/);
    expect(timing).toMatchObject({ verdict: 'fail', rule: 'note 16' });
    expect(timing.detail).toContain('/.well-known/openid-configuration timed out');
  });

  it('the command exits 1 and the table names the failing rules', async () => {
    const io = captureIo();
    expect(await runDoctorCommand([report.target, '--no-register', '--timeout', '1'], io, {})).toBe(1);
    expect(io.out()).toMatch(/fail {2}AS-2 +PKCE S256 advertised/);
    expect(io.out()).toMatch(/fail {2}AS-1 +AS metadata, OAuth \(RFC 8414\)/);
    expect(io.out()).not.toContain('Side effect');
  });
});

describe('well-known URLs as clients build them', () => {
  it('RFC 8414 §3.1: an issuer with a path gets path-inserted, path-appended and (optional) root forms', () => {
    expect(authorizationServerMetadataUrls('https://as.example/tenant/').map((u) => [u.url, u.optional])).toEqual([
      ['https://as.example/.well-known/oauth-authorization-server/tenant', false],
      ['https://as.example/.well-known/openid-configuration/tenant', false],
      ['https://as.example/tenant/.well-known/openid-configuration', false],
      ['https://as.example/.well-known/oauth-authorization-server', true],
      ['https://as.example/.well-known/openid-configuration', true],
    ]);
    expect(authorizationServerMetadataUrls('http://127.0.0.1:5000').map((u) => u.url)).toEqual([
      'http://127.0.0.1:5000/.well-known/oauth-authorization-server',
      'http://127.0.0.1:5000/.well-known/openid-configuration',
    ]);
  });

  it('RFC 9728 §3.1: path-aware and root resource metadata URLs', () => {
    expect(protectedResourceMetadataUrls('https://mcp.example/mcp/')).toEqual({
      pathAware: 'https://mcp.example/.well-known/oauth-protected-resource/mcp',
      root: 'https://mcp.example/.well-known/oauth-protected-resource',
    });
    expect(protectedResourceMetadataUrls('https://mcp.example/')).toEqual({ root: 'https://mcp.example/.well-known/oauth-protected-resource' });
  });
});

describe('parseChallenge', () => {
  it('reads quoted parameters with commas and escapes, and stops at the next challenge', () => {
    const c = parseChallenge('Bearer resource_metadata="https://x/.well-known/oauth-protected-resource", scope="a b", error_description="x, \\"y\\"", Basic realm="r"');
    expect(c).toEqual({
      scheme: 'bearer',
      params: { resource_metadata: 'https://x/.well-known/oauth-protected-resource', scope: 'a b', error_description: 'x, "y"' },
    });
    expect(parseChallenge('Bearer')).toEqual({ scheme: 'bearer', params: {} });
    expect(parseChallenge('')).toBeUndefined();
  });
});
