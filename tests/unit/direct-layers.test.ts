import { describe, expect, it } from 'vitest';
import { secureHeaderValues } from '../../src/http/security-headers.js';
import { MCP_SECURE_HEADERS } from '../../src/mcp/app.js';
import { directLayers, type DirectHead } from '../../src/mcp/http/direct-layers.js';
import type { McpRequestObserver } from '../../src/observability/wire.js';

const APP = 'https://app.example';

const layersFor = async () =>
  directLayers({
    settings: { corsOrigins: [APP], origin: 'http://127.0.0.1:3001' },
    hosts: undefined,
    securityHeaders: await secureHeaderValues(MCP_SECURE_HEADERS),
    observer: {} as McpRequestObserver,
  });

/**
 * DirectLayers.headerLines builds the head of answers whose own headers are one frozen object once, then copies
 * it: the lines must be those it builds for the same headers in an object of their own (same names, values and
 * order on the wire), with each answer's own length and request id.
 */
describe('DirectLayers.headerLines of answers sharing a frozen headers object', () => {
  it.each<[string, Record<string, string>, boolean]>([
    ['JSON, no-store', { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, true],
    ['a Vary of its own (CORS appends Origin)', { 'Content-Type': 'application/json', Vary: 'Accept' }, true],
    ['a security header and CORS of its own (the layers outside set theirs)', { 'X-Frame-Options': 'ALLOW', 'Access-Control-Expose-Headers': 'X', 'Content-Type': 'text/plain' }, true],
    ['no CORS (a Host refusal)', { 'Content-Type': 'application/json' }, false],
  ])('%s', async (_name, headers, cors) => {
    const layers = await layersFor();
    const frozen: DirectHead = { status: 200, headers: Object.freeze({ ...headers }), cors };
    const own: DirectHead = { status: 200, headers: { ...headers }, cors };
    for (const origin of [undefined, APP, 'https://other.example']) {
      const first = layers.headerLines(frozen, origin, 'id-1', 12);
      expect(first).toEqual(layers.headerLines(own, origin, 'id-1', 12));
      const second = layers.headerLines(frozen, origin, 'id-2', 345);
      expect(second).toEqual(layers.headerLines(own, origin, 'id-2', 345));
      expect(first.slice(-4)).toEqual(['Content-Length', 12, 'X-Request-Id', 'id-1']);
      expect(second.slice(-4)).toEqual(['Content-Length', 345, 'X-Request-Id', 'id-2']);
    }
  });

  it('a streamed answer (no length) has no Content-Length line', async () => {
    const layers = await layersFor();
    const lines = layers.headerLines({ status: 200, headers: Object.freeze({ 'Content-Type': 'text/event-stream' }), cors: true }, undefined, 'id', undefined);
    expect(lines).not.toContain('Content-Length');
    expect(lines.slice(-2)).toEqual(['X-Request-Id', 'id']);
  });
});
