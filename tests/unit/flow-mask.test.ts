import { describe, expect, it } from 'vitest';
import { takeSseEvents } from '../../src/cli/flow/json-rpc.js';
import { mask, maskAuthorization, maskJson, maskParams, maskUrl } from '../../src/cli/flow/mask.js';
import { mcpEndpoint, serverBase } from '../../src/cli/flow/state.js';

describe('masking what the flow prints', () => {
  it('shows the first 6 characters of a secret and an ellipsis; short secrets not at all', () => {
    expect(mask('eyJhbGciOiJFUzI1NiJ9.payload.sig')).toBe('eyJhbG…');
    expect(mask('abc')).toBe('…');
  });

  it('masks secret fields at any depth of a JSON body, and nothing else', () => {
    const body = { access_token: 'AAAAAAAAAA', token_type: 'Bearer', nested: [{ refresh_token: 'RRRRRRRRRR', client_secret: 'SSSSSSSSSS', scope: 'read' }] };
    expect(maskJson(body)).toEqual({ access_token: 'AAAAAA…', token_type: 'Bearer', nested: [{ refresh_token: 'RRRRRR…', client_secret: 'SSSSSS…', scope: 'read' }] });
  });

  it('masks codes and verifiers in forms and in redirect URLs, keeping state and iss readable', () => {
    expect(maskParams(new URLSearchParams({ grant_type: 'authorization_code', code: 'CODECODECODE', code_verifier: 'VVVVVVVVVVVV' }))).toBe(
      'grant_type=authorization_code&code=CODECO…&code_verifier=VVVVVV…',
    );
    expect(maskUrl('http://127.0.0.1:4000/callback?code=CODECODECODE&state=s1&iss=http%3A%2F%2F127.0.0.1%3A5000')).toBe(
      'http://127.0.0.1:4000/callback?code=CODECO…&state=s1&iss=http://127.0.0.1:5000',
    );
    expect(maskUrl('http://127.0.0.1:5000/.well-known/jwks.json')).toBe('http://127.0.0.1:5000/.well-known/jwks.json');
  });

  it('keeps the scheme of an Authorization header and masks the credentials', () => {
    expect(maskAuthorization('Bearer eyJhbGciOiJFUzI1NiJ9')).toBe('Bearer eyJhbG…');
    expect(maskAuthorization(`Basic ${Buffer.from('demo_client:demo_secret').toString('base64')}`)).toBe('Basic ZGVtb1…');
  });
});

describe('reading JSON-RPC answers from an event stream', () => {
  it('splits complete events, joins multi-line data, ignores comments, keeps the unfinished rest', () => {
    const { events, rest } = takeSseEvents(': keep-alive\n\nevent: message\ndata: {"a":\ndata: 1}\r\n\r\nid: 7\ndata: {"b"');
    expect(events).toEqual([{ event: 'message', data: '{"a":\n1}' }]);
    expect(rest).toBe('id: 7\ndata: {"b"');
  });
});

describe('URLs the flow derives', () => {
  it('a bare server URL means its /mcp/v1 endpoint; the API lives at the server base', () => {
    expect(mcpEndpoint('http://127.0.0.1:5001')).toBe('http://127.0.0.1:5001/mcp/v1');
    expect(mcpEndpoint('http://127.0.0.1:5001/mcp/')).toBe('http://127.0.0.1:5001/mcp');
    expect(serverBase('http://127.0.0.1:5001/mcp/v1')).toBe('http://127.0.0.1:5001');
    expect(serverBase('https://x.example/tenant/mcp')).toBe('https://x.example/tenant');
  });
});
