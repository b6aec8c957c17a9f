import { isLegacyRequest } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { carriesEnvelopeClaim } from '../../src/mcp/http/envelope-claim.js';

const V = 'io.modelcontextprotocol/protocolVersion';
const envelope = { [V]: '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 't', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} };

/** Bodies a client (or an attacker) may POST: modern, legacy, malformed, and the edges of the claim; the flag is
 * whether the body carries the claim. */
const bodies: Array<[string, boolean, unknown]> = [
  ['a modern tools/call', true, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_data', arguments: {}, _meta: envelope } }],
  ['a modern notification', true, { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, _meta: envelope } }],
  ['a claim naming an unserved revision', true, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: { ...envelope, [V]: '2099-01-01' } } }],
  ['a claim that is not a string', true, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: { [V]: 7 } } }],
  ['a claim without the rest of the envelope', true, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: { [V]: '2026-07-28' } } }],
  ['a claim with a bad id', true, { jsonrpc: '2.0', id: null, method: 'tools/list', params: { _meta: envelope } }],
  ['a claim without jsonrpc', true, { id: 1, method: 'tools/list', params: { _meta: envelope } }],
  ['a claim with an extra top-level key', true, { jsonrpc: '2.0', id: 1, method: 'tools/list', extra: true, params: { _meta: envelope } }],
  ['initialize with a claim', false, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' }, _meta: envelope } }],
  ['initialize with a bad claim', false, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' }, _meta: { [V]: 'x' } } }],
  ['a legacy tools/call', false, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_data', arguments: {} } }],
  ['a legacy call with other _meta', false, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', _meta: { progressToken: 1 } } }],
  ['a legacy notification', false, { jsonrpc: '2.0', method: 'notifications/initialized' }],
  ['a result response carrying a claim', false, { jsonrpc: '2.0', id: 1, result: { _meta: envelope } }],
  ['a response with method and result', false, { jsonrpc: '2.0', id: 1, method: 'x', result: {}, params: { _meta: envelope } }],
  ['an error response', false, { jsonrpc: '2.0', id: 1, error: { code: 1, message: 'x' } }],
  ['a batch with a modern element', false, [{ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: envelope } }]],
  ['a batch of legacy requests', false, [{ jsonrpc: '2.0', id: 1, method: 'tools/list' }]],
  ['_meta that is an array', false, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: [V] } }],
  ['params that is an array', false, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: [{ _meta: envelope }] }],
  ['a string', false, 'hello'],
  ['null', false, null],
];

const headerSets: Array<[string, Record<string, string>]> = [
  ['no MCP headers', {}],
  ['modern headers', { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'get_data' }],
  ['a 2025 version header', { 'mcp-protocol-version': '2025-11-25' }],
  ['a mismatched method header', { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'other' }],
];

/**
 * TR-10: the route sends a body with the envelope claim straight to the 2026-07-28 entry, skipping
 * isLegacyRequest. That is only right if the SDK's classifier never calls such a body legacy, whatever the
 * headers: checked here against the SDK itself, for bodies on both sides of the line.
 */
describe('carriesEnvelopeClaim agrees with the SDK\'s isLegacyRequest (TR-10)', () => {
  it.each(bodies)('%s (claimed: %s); a claimed body is never legacy to the SDK', async (_name, claims, body) => {
    expect(carriesEnvelopeClaim(body)).toBe(claims);
    if (!claims) return; // not claimed: the route asks isLegacyRequest itself, nothing to agree on
    for (const [headerName, headers] of headerSets) {
      const request = new Request('http://127.0.0.1:5001/mcp', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify(body),
      });
      expect(await isLegacyRequest(request, body), headerName).toBe(false);
    }
  });

  it('the table holds bodies on both sides of the line, each claimed one sent with every header set', () => {
    expect(bodies.filter(([, claims]) => claims).length).toBeGreaterThanOrEqual(8);
    expect(bodies.filter(([, claims]) => !claims).length).toBeGreaterThanOrEqual(8);
    expect(headerSets.length).toBe(4);
  });
});
