import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authorizationServerMetadata } from '../../src/auth-server/metadata.js';
import type { DataItem } from '../../src/demo/data-service.js';
import { makeApiApp, makeTokenKit, type TokenKit } from '../helpers/resource-server.js';

let kit: TokenKit;
let app: Awaited<ReturnType<typeof makeApiApp>>['app'];
let alice: string;
let bob: string;
beforeEach(async () => {
  kit = await makeTokenKit();
  ({ app } = await makeApiApp(kit));
  alice = await kit.mint({ sub: 'alice' });
  bob = await kit.mint({ sub: 'bob' });
});
afterEach(async () => {
  await kit.close();
});

function call(method: string, path: string, token: string, body?: unknown, contentType = 'application/json') {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = contentType;
  return app.request(path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
}

async function create(token: string, item: { name: string; value: number }): Promise<DataItem> {
  const res = await call('POST', '/api/data', token, item);
  expect(res.status).toBe(201);
  return (await res.json()) as DataItem;
}

describe('/api/data CRUD (owner = token subject)', () => {
  it('POST creates (201 with the item and Location), GET lists, PUT changes, DELETE removes', async () => {
    const created = await create(alice, { name: 'Test', value: 100 });
    expect(created).toMatchObject({ name: 'Test', value: 100 });
    expect(created.id).toBeGreaterThan(0);
    expect(created.created_at).toBe(new Date(kit.clock() * 1000).toISOString());

    let res = await call('GET', '/api/data', alice);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [created], count: 1 });

    kit.clock.advance(10);
    res = await call('PUT', `/api/data/${created.id}`, alice, { value: 7.5 });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as DataItem;
    expect(updated).toMatchObject({ id: created.id, name: 'Test', value: 7.5 });
    expect(updated.updated_at).toBe(new Date(kit.clock() * 1000).toISOString());

    res = await call('PUT', `/api/data/${created.id}`, alice, { name: 'Renamed' });
    expect(await res.json()).toMatchObject({ name: 'Renamed', value: 7.5 });

    res = await call('GET', `/api/data/${created.id}`, alice);
    expect(await res.json()).toMatchObject({ name: 'Renamed', value: 7.5 });

    res = await call('DELETE', `/api/data/${created.id}`, alice);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ deleted: true, id: created.id });
    expect(await (await call('GET', '/api/data', alice)).json()).toEqual({ items: [], count: 0 });
  });

  it('accepts application/json with a charset and negative/fractional values', async () => {
    const res = await call('POST', '/api/data', alice, { name: 'n', value: -0.25 }, 'application/json; charset=utf-8');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ value: -0.25 });
  });

  it('200 concurrent creates are all persisted with distinct ids', async () => {
    const items = await Promise.all(Array.from({ length: 200 }, (_, i) => create(alice, { name: `item ${i}`, value: i })));
    expect(new Set(items.map((i) => i.id)).size).toBe(200);
    const list = (await (await call('GET', '/api/data', alice)).json()) as { count: number };
    expect(list.count).toBe(200);
  });
});

describe('/api/data owner isolation', () => {
  it("another subject cannot see, update or delete an item: 404, as if it did not exist", async () => {
    const item = await create(alice, { name: 'secret', value: 1 });
    expect(await (await call('GET', '/api/data', bob)).json()).toEqual({ items: [], count: 0 });
    for (const [method, body] of [['GET', undefined], ['PUT', { value: 2 }], ['DELETE', undefined]] as const) {
      const res = await call(method, `/api/data/${item.id}`, bob, body);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'not_found', error_description: `item ${item.id} not found` });
    }
    expect(await (await call('GET', `/api/data/${item.id}`, alice)).json()).toMatchObject({ name: 'secret', value: 1 });
  });

  it('404 for an unknown id on GET, PUT and DELETE', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await call(method, '/api/data/999', alice, method === 'PUT' ? { value: 1 } : undefined);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: string }).error).toBe('not_found');
    }
  });
});

describe('/api/data validation (RS-9: 400 with field errors)', () => {
  const invalid = async (res: Response, fields: Record<string, string>) => {
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_description: string; fields: Record<string, string> };
    expect(body.error).toBe('invalid_request');
    expect(body.fields).toEqual(fields);
    expect(body.error_description.length).toBeGreaterThan(0);
  };

  it('missing name and value', async () => {
    await invalid(await call('POST', '/api/data', alice, {}), { name: 'is required', value: 'is required' });
  });

  it('a numeric string is refused with a clear message, not coerced', async () => {
    await invalid(await call('POST', '/api/data', alice, { name: 'x', value: '100' }), {
      value: 'must be a number, not a string (send 100, not "100")',
    });
  });

  it('value must be finite (1e999 parses to Infinity) and not a boolean or null', async () => {
    await invalid(await call('POST', '/api/data', alice, '{"name":"x","value":1e999}'), { value: 'must be a finite number' });
    await invalid(await call('POST', '/api/data', alice, { name: 'x', value: true }), { value: 'must be a finite number' });
    await invalid(await call('POST', '/api/data', alice, { name: 'x', value: null }), { value: 'must be a finite number' });
  });

  it('name must be a non-blank string of 1 to 200 characters', async () => {
    await invalid(await call('POST', '/api/data', alice, { name: '', value: 1 }), { name: 'must not be empty' });
    await invalid(await call('POST', '/api/data', alice, { name: '   ', value: 1 }), { name: 'must not be blank' });
    await invalid(await call('POST', '/api/data', alice, { name: 'x'.repeat(201), value: 1 }), { name: 'must be at most 200 characters' });
    await invalid(await call('POST', '/api/data', alice, { name: 5, value: 1 }), { name: 'must be a string' });
    expect((await call('POST', '/api/data', alice, { name: 'x'.repeat(200), value: 1 })).status).toBe(201);
  });

  it('PUT needs at least one of name and value, each validated like POST', async () => {
    const item = await create(alice, { name: 'a', value: 1 });
    await invalid(await call('PUT', `/api/data/${item.id}`, alice, {}), { _: 'must contain name, value or both' });
    await invalid(await call('PUT', `/api/data/${item.id}`, alice, { value: 'x' }), { value: 'must be a number, not a string (send 100, not "100")' });
  });

  it.each(['0', '-1', 'abc', '1.5', '01', '99999999999999999999'])('id %j must be a positive integer', async (id) => {
    await invalid(await call('DELETE', `/api/data/${id}`, alice), { id: 'must be a positive integer' });
  });

  it('malformed JSON is a 400, a JSON array or string body a 400', async () => {
    let res = await call('POST', '/api/data', alice, '{"name": "x",');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'request body is not valid JSON' });
    res = await call('POST', '/api/data', alice, '[1]');
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'request body must be a JSON object' });
    res = await call('POST', '/api/data', alice, '"x"');
    expect(res.status).toBe(400);
  });

  it('415 for a body that is not declared as JSON', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']) {
      const res = await call('POST', '/api/data', alice, '{"name":"x","value":1}', type);
      expect(res.status).toBe(415);
      expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'Content-Type must be application/json' });
    }
    const res = await app.request('/api/data', { method: 'POST', headers: { Authorization: `Bearer ${alice}` }, body: '{}' });
    expect(res.status).toBe(415);
  });

  it('413 for a body over 16 KiB', async () => {
    const res = await call('POST', '/api/data', alice, { name: 'x', value: 1, pad: 'y'.repeat(20_000) });
    expect(res.status).toBe(413);
  });

  it('RS-9: authentication comes before validation: no token on an invalid body is 401, read token is 403', async () => {
    let res = await app.request('/api/data', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' });
    expect(res.status).toBe(401);
    res = await call('DELETE', '/api/data/abc', await kit.mint({ scope: 'read' }));
    expect(res.status).toBe(403);
  });
});

describe('/api/user/profile', () => {
  it('returns what the token says: subject, client, scopes, audience and times', async () => {
    const token = await kit.mint({ sub: 'alice', client_id: 'cursor', scope: 'read' });
    const res = await call('GET', '/api/user/profile', token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      sub: 'alice',
      client_id: 'cursor',
      scope: 'read',
      scopes: ['read'],
      audience: kit.resources.mcp,
      issued_at: kit.clock(),
      expires_at: kit.clock() + 3600,
    });
  });

  it('RS-3: needs a token', async () => {
    expect((await app.request('/api/user/profile')).status).toBe(401);
  });

  it('RS-6: needs read (write implies it)', async () => {
    expect((await call('GET', '/api/user/profile', await kit.mint({ scope: '' }))).status).toBe(403);
    expect((await call('GET', '/api/user/profile', await kit.mint({ scope: 'write' }))).status).toBe(200);
  });

  it('RS-5: the API accepts tokens for the MCP endpoint, its alias and the origin; not for another resource', async () => {
    for (const aud of [kit.resources.mcp, kit.resources.mcpAlias, kit.resources.origin, `${kit.resources.origin}/`]) {
      expect((await call('GET', '/api/user/profile', await kit.mint({ aud }))).status).toBe(200);
    }
    expect((await call('GET', '/api/user/profile', await kit.mint({ aud: `${kit.resources.origin}/api` }))).status).toBe(401);
  });
});

describe('discovery at the MCP origin', () => {
  const prm = (resource: string) => ({
    resource,
    authorization_servers: ['http://127.0.0.1:5000'],
    scopes_supported: ['read', 'write'],
    bearer_methods_supported: ['header'],
    resource_name: 'oauth-mcp',
    // RFC 9728 §2: the MCP endpoint accepts DPoP-bound tokens too (resource-server/dpop.ts).
    dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'Ed25519'],
    dpop_bound_access_tokens_required: false,
  });

  it('RS-1, RS-2: path-aware metadata for /mcp/v1 and /mcp, and the root describing /mcp/v1', async () => {
    const cases: [string, string][] = [
      ['/.well-known/oauth-protected-resource/mcp/v1', 'http://127.0.0.1:5001/mcp/v1'],
      ['/.well-known/oauth-protected-resource/mcp', 'http://127.0.0.1:5001/mcp'],
      ['/.well-known/oauth-protected-resource', 'http://127.0.0.1:5001/mcp/v1'],
    ];
    for (const [path, resource] of cases) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual(prm(resource));
    }
  });

  it('RS-8: scopes_supported never lists offline_access', async () => {
    const body = (await (await app.request('/.well-known/oauth-protected-resource')).json()) as { scopes_supported: string[] };
    expect(body.scopes_supported).not.toContain('offline_access');
  });

  it('interop 12: metadata is readable cross-origin', async () => {
    const res = await app.request('/.well-known/oauth-protected-resource/mcp/v1', { headers: { Origin: 'http://localhost:6274' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('interop 6: the authorization server metadata is served at the MCP origin for 2025-03-26 clients', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(await res.json()).toEqual(authorizationServerMetadata('http://127.0.0.1:5000', ['read', 'write']));
    }
  });

  it('the API challenges point at metadata that is really served', async () => {
    const header = (await app.request('/api/data')).headers.get('www-authenticate')!;
    const url = /resource_metadata="([^"]+)"/.exec(header)![1]!;
    const res = await app.request(new URL(url).pathname);
    expect(res.status).toBe(200);
  });
});
