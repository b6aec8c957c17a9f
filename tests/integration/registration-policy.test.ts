import { afterEach, describe, expect, it } from 'vitest';
import { makeAuthServer } from '../helpers/auth-server.js';
import { basicAuth, postForm } from '../helpers/oauth-fixtures.js';
import { addClient, makeInitialAccessToken } from '../../src/cli/clients-admin.js';
import { PassThrough } from 'node:stream';
import { auditOf } from '../../src/observability/audit-of.js';

type Server = Awaited<ReturnType<typeof makeAuthServer>>;
let server: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const PRODUCTION = { DEMO_MODE: 'false', SECRET_KEY: 'k'.repeat(40) };
const CODE_CLIENT = { client_name: 'Notes', redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'none' };
const MACHINE_CLIENT = { client_name: 'Robot', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' };

function register(s: Server, body: unknown, headers: Record<string, string> = {}) {
  return s.app.request('/oauth/register', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** What a CLI command printed, and its exit code. */
async function cli(run: (io: { stdin: PassThrough; stdout: PassThrough; stderr: PassThrough }) => Promise<number>) {
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  let stdout = '';
  let stderr = '';
  io.stdout.on('data', (d) => (stdout += d));
  io.stderr.on('data', (d) => (stderr += d));
  const code = await run(io);
  return { code, stdout, stderr };
}

describe('registration policy (REGISTRATION_POLICY, RFC 7591 §3)', () => {
  it('open, outside demo mode: authorization-code clients register; client_credentials is refused and nothing is stored', async () => {
    const s = (server = await makeAuthServer(PRODUCTION));
    expect((await register(s, CODE_CLIENT)).status).toBe(201);
    const res = await register(s, MACHINE_CLIENT);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toBe('invalid_client_metadata');
    expect(body.error_description).toMatch(/clients add .*--grant client_credentials/);
    expect((await s.store.listClients()).map((c) => c.clientName)).not.toContain('Robot');
    await auditOf(s.deps).flush(); // audit rows are written behind the response
    const audit = await s.store.listAuditEvents();
    expect(audit.some((e) => e.type === 'client_registered' && e.outcome === 'failure' && /registration policy/.test(e.rule ?? ''))).toBe(true);
  });

  it('demo mode keeps open registration of client_credentials clients (the original demo)', async () => {
    const s = (server = await makeAuthServer());
    expect((await register(s, MACHINE_CLIENT)).status).toBe(201);
  });

  it('closed: every registration gets 403 and the metadata names no registration endpoint', async () => {
    const s = (server = await makeAuthServer({ ...PRODUCTION, REGISTRATION_POLICY: 'closed' }));
    const res = await register(s, CODE_CLIENT);
    expect(res.status).toBe(403);
    expect((await res.json()).error_description).toMatch(/closed/);
    const meta = await (await s.app.request('/.well-known/oauth-authorization-server')).json();
    expect(meta.registration_endpoint).toBeUndefined();
    expect((await s.store.listClients()).length).toBe(0);
  });

  it('token: registration needs an initial access token made by `clients token`, usable once, stored hashed', async () => {
    const s = (server = await makeAuthServer({ ...PRODUCTION, REGISTRATION_POLICY: 'token' }));
    const missing = await register(s, CODE_CLIENT);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_request"/);
    const made = await cli((io) => makeInitialAccessToken(s.store, ['--note', 'for the notes app'], io, s.clock()));
    expect(made.code).toBe(0);
    const token = made.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const bad = await register(s, CODE_CLIENT, { authorization: 'Bearer not-the-token' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    // A bad request does not use the token up: it is checked after the metadata.
    expect((await register(s, { ...CODE_CLIENT, redirect_uris: ['javascript:alert(1)'] }, { authorization: `Bearer ${token}` })).status).toBe(400);
    const ok = await register(s, CODE_CLIENT, { authorization: `Bearer ${token}` });
    expect(ok.status).toBe(201);
    const again = await register(s, CODE_CLIENT, { authorization: `Bearer ${token}` });
    expect(again.status).toBe(401);
    // Even with a token, no client_credentials client outside demo mode.
    const second = (await cli((io) => makeInitialAccessToken(s.store, [], io, s.clock()))).stdout.trim();
    expect((await register(s, MACHINE_CLIENT, { authorization: `Bearer ${second}` })).status).toBe(400);
  });

  it('an initial access token expires', async () => {
    const s = (server = await makeAuthServer({ ...PRODUCTION, REGISTRATION_POLICY: 'token' }));
    const token = (await cli((io) => makeInitialAccessToken(s.store, ['--ttl', '1'], io, s.clock()))).stdout.trim();
    s.clock.advance(3601);
    expect((await register(s, CODE_CLIENT, { authorization: `Bearer ${token}` })).status).toBe(401);
  });

  it('`clients add --grant client_credentials` makes a machine client that gets tokens; --introspect lets it introspect', async () => {
    const s = (server = await makeAuthServer({ ...PRODUCTION, REGISTRATION_POLICY: 'closed' }));
    const out = await cli((io) => addClient(s.store, ['Nightly job', '--grant', 'client_credentials', '--scope', 'read', '--introspect'], io, s.clock()));
    expect(out.code).toBe(0);
    const id = /client_id +(\S+)/.exec(out.stdout)![1]!;
    const secret = /client_secret +(\S+)/.exec(out.stdout)![1]!;
    const stored = await s.store.getClient(id);
    expect(stored).toMatchObject({ clientName: 'Nightly job', grantTypes: ['client_credentials'], scope: 'read' });
    expect(stored!.clientSecretHash).not.toBe(secret);
    const auth = { Authorization: basicAuth(id, secret) };
    const tokenRes = await postForm(s.app, '/oauth/token', { grant_type: 'client_credentials' }, auth);
    expect(tokenRes.status).toBe(200);
    const access = (await tokenRes.json()).access_token;
    expect(await (await postForm(s.app, '/oauth/introspect', { token: access }, auth)).json()).toMatchObject({ active: true, sub: id, scope: 'read' });
  });

  it('`clients add` refuses what makes no sense, with exit code 2', async () => {
    const s = (server = await makeAuthServer(PRODUCTION));
    const run = (args: string[]) => cli((io) => addClient(s.store, args, io, s.clock()));
    for (const args of [[], ['x'], ['x', '--grant', 'implicit'], ['x', '--grant', 'authorization_code'], ['x', '--public', '--introspect'], ['x', '--redirect-uri', 'javascript:alert(1)']]) {
      const r = await run(args).catch((err) => ({ code: (err as Error).message, stdout: '', stderr: '' }));
      expect(typeof r.code === 'number' ? r.code : 2, args.join(' ')).not.toBe(0);
    }
  });
});
