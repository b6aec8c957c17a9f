import { fetchOnce as fetch } from './oauth.js';

/** MCP request shapes the bench sends: a 2025-era session (initialize once) and 2026-07-28 stateless calls. */

export const LEGACY = '2025-11-25';
export const MODERN = '2026-07-28';

const baseHeaders = (token: string) => ({
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  authorization: `Bearer ${token}`,
});

/** The JSON-RPC answer in a JSON or SSE body. */
function answerOf(text: string, contentType: string): any {
  if (contentType.includes('text/event-stream')) {
    const data = text.split('\n').filter((l) => l.startsWith('data:') && l.slice(5).trim());
    return data.map((l) => JSON.parse(l.slice(5))).find((m) => 'result' in m || 'error' in m);
  }
  return JSON.parse(text);
}

/** initialize + notifications/initialized; returns the headers every later request of the session carries. */
export async function openLegacySession(url: string, token: string): Promise<Record<string, string>> {
  const init = await fetch(url, {
    method: 'POST',
    headers: baseHeaders(token),
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: LEGACY, capabilities: {}, clientInfo: { name: 'bench', version: '1' } } }),
  });
  const text = await init.text();
  const sessionId = init.headers.get('mcp-session-id');
  if (!init.ok || !sessionId) throw new Error(`initialize at ${url}: ${init.status} ${text}`);
  const negotiated = answerOf(text, init.headers.get('content-type') ?? '').result.protocolVersion as string;
  const headers = { ...baseHeaders(token), 'mcp-session-id': sessionId, 'mcp-protocol-version': negotiated };
  const ack = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
  await ack.arrayBuffer();
  if (ack.status !== 202) throw new Error(`initialized notification at ${url}: ${ack.status}`);
  return headers;
}

/** A tools/call body with `{{id}}` for the load tool to fill in. */
export function toolsCallBody(name: string, args: Record<string, unknown>, meta?: Record<string, unknown>): string {
  const params = { name, arguments: args, ...(meta && { _meta: meta }) };
  return JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'tools/call', params }).replace('"id":0', '"id":{{id}}');
}

/** 2026-07-28: no session; the envelope rides in _meta and is mirrored in the standard headers (TR-8). */
export function modernCall(token: string, name: string, args: Record<string, unknown>) {
  const meta = {
    'io.modelcontextprotocol/protocolVersion': MODERN,
    'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  return {
    headers: { ...baseHeaders(token), 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': name },
    body: toolsCallBody(name, args, meta),
  };
}

/** Sends one request as the load tool will (with id 1) and checks the answer is a tool result, not an error. */
export async function checkCall(url: string, headers: Record<string, string>, body: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers, body: body.replace('{{id}}', '1') });
  const text = await res.text();
  const answer = res.ok ? answerOf(text, res.headers.get('content-type') ?? '') : undefined;
  if (!answer?.result || answer.result.isError) throw new Error(`tools/call at ${url}: ${res.status} ${text.slice(0, 300)}`);
}
