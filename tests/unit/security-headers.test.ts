import { Hono } from 'hono';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import { describe, expect, it } from 'vitest';
import { AUTH_SERVER_SECURE_HEADERS, secureHeaderValues } from '../../src/http/security-headers.js';
import { MCP_SECURE_HEADERS } from '../../src/mcp/app.js';

/** What a Hono app with the middleware sends, names in the order its Headers list them. */
async function fromHono(options: Parameters<typeof secureHeaders>[0]): Promise<[string, string][]> {
  const app = new Hono();
  app.use('*', secureHeaders(options));
  app.get('/', (c) => c.body(null, 204));
  return [...(await app.request('/')).headers];
}

describe('secureHeaderValues', () => {
  it.each([
    ['the authorization server', AUTH_SERVER_SECURE_HEADERS],
    ['the MCP server', MCP_SECURE_HEADERS],
    ['the defaults', {}],
    ['a static CSP and a permissions policy', { contentSecurityPolicy: { defaultSrc: ["'self'"] }, permissionsPolicy: { camera: [] as string[] }, xFrameOptions: false }],
  ])('gives the headers, values and order a Hono app with the middleware sends (%s)', async (_, options) => {
    expect(Object.entries(await secureHeaderValues(options))).toEqual(await fromHono(options));
  });

  it('refuses options that depend on the request, at start', async () => {
    await expect(secureHeaderValues({ contentSecurityPolicy: { scriptSrc: [NONCE] } })).rejects.toThrow(/depend on the request/);
  });
});
