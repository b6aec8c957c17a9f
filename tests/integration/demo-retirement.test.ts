import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_USER_ID } from '../../src/auth-server/demo.js';
import { demoRetirementLine } from '../../src/auth-server/demo-retirement.js';
import { banner } from '../../src/cli/banner.js';
import { auditOf } from '../../src/observability/audit-of.js';
import { makeAuthServer } from '../helpers/auth-server.js';
import { basicAuth, issueCode, postForm } from '../helpers/oauth-fixtures.js';

type Server = Awaited<ReturnType<typeof makeAuthServer>>;
const servers: Server[] = [];
afterEach(async () => {
  await servers[0]?.close(); // one store shared by both servers
  servers.length = 0;
});

const KEY = { SECRET_KEY: 'k'.repeat(40) };
const demoAuth = { Authorization: basicAuth('demo_client', 'demo_secret') };

describe('demo to production: DEMO_MODE=false disables what demo mode seeded', () => {
  it('the demo client and user are removed at start, their grants revoked, with an audit event and a banner line', async () => {
    const demo = await makeAuthServer(KEY);
    servers.push(demo);
    // Demo mode: the published demo credentials get tokens, and the demo user has a grant with a refresh token.
    expect((await postForm(demo.app, '/oauth/token', { grant_type: 'client_credentials' }, demoAuth)).status).toBe(200);
    const client = { clientId: 'demo_client', secret: 'demo_secret', record: (await demo.store.getClient('demo_client'))! };
    const code = await issueCode(demo.deps, client, { subject: DEMO_USER_ID, redirectUri: 'http://127.0.0.1/callback' });
    const issued = await postForm(
      demo.app,
      '/oauth/token',
      { grant_type: 'authorization_code', code: code.code, code_verifier: code.verifier, redirect_uri: code.redirectUri },
      demoAuth,
    );
    const refreshToken = (await issued.json()).refresh_token as string;

    const prod = await makeAuthServer({ ...KEY, DEMO_MODE: 'false' }, { store: demo.store });
    servers.push(prod);
    expect(await prod.store.getClient('demo_client')).toBeUndefined();
    expect(await prod.store.getUser(DEMO_USER_ID)).toBeUndefined();
    expect((await prod.store.getGrant(code.grantId))?.revokedAt).not.toBeNull();
    const refused = await postForm(prod.app, '/oauth/token', { grant_type: 'client_credentials' }, demoAuth);
    expect(refused.status).toBe(401);
    const refresh = await postForm(prod.app, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, demoAuth);
    expect(refresh.status).toBe(401);
    await auditOf(prod.deps).flush();
    const event = (await prod.store.listAuditEvents()).find((e) => e.type === 'demo_disabled');
    expect(event).toMatchObject({ clientId: 'demo_client', subject: DEMO_USER_ID });
    expect(event!.detail).toMatch(/1 grant\(s\) revoked/);

    const line = demoRetirementLine({ client: true, user: true, revokedGrants: 1 })!;
    expect(banner(prod.config, 'both', [line])).toContain('DEMO DATA DISABLED');
  });

  it('a third start finds nothing to do, and a user an operator made under the demo username is kept', async () => {
    const first = await makeAuthServer(KEY);
    servers.push(first);
    await first.store.deleteUser(DEMO_USER_ID);
    await first.store.createUser({ id: 'u-7', username: 'demo', passwordHash: null, isAdmin: false, createdAt: 1 });
    const prod = await makeAuthServer({ ...KEY, DEMO_MODE: 'false' }, { store: first.store });
    servers.push(prod);
    expect(await prod.store.getUser('u-7')).toBeDefined();
    expect(demoRetirementLine({ client: false, user: false, revokedGrants: 0 })).toBeUndefined();
  });
});
