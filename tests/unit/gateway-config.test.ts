import { describe, expect, it } from 'vitest';
import { splitCommandLine } from '../../src/gateway/command-line.js';
import { parseGatewayConfig, upstreamFromFlags } from '../../src/gateway/config.js';
import { restartDelayMs } from '../../src/gateway/connection-pool.js';
import { ScopePolicy } from '../../src/gateway/scope-policy.js';

describe('gateway command line and config file', () => {
  it('splits a command line like a shell, without expansion', () => {
    expect(splitCommandLine(`npx -y @modelcontextprotocol/server-filesystem "/tmp/my dir" 'a $HOME' b\\ c`)).toEqual([
      'npx',
      '-y',
      '@modelcontextprotocol/server-filesystem',
      '/tmp/my dir',
      'a $HOME',
      'b c',
    ]);
    expect(() => splitCommandLine('echo "open')).toThrow('unterminated " quote');
  });

  it('one upstream from the flags is served at /mcp, per user, with the default scopes', () => {
    const u = upstreamFromFlags({ stdio: 'uvx mcp-server-time' });
    expect(u).toMatchObject({ path: '/mcp', isolation: 'per-user', target: { kind: 'stdio', command: 'uvx', args: ['mcp-server-time'] }, scopes: { default: 'write', readOnly: 'read' } });
    expect(upstreamFromFlags({ http: 'http://127.0.0.1:9000/mcp' }).target).toMatchObject({ kind: 'http', identity: { jwt: true, headers: false, ttlSeconds: 60 } });
    expect(() => upstreamFromFlags({})).toThrow('exactly one of');
  });

  it('several upstreams each get /mcp/<name>; a single one /mcp', () => {
    const many = parseGatewayConfig({ upstreams: { a: { stdio: 'x' }, b: { url: 'https://up.example/mcp', isolation: 'shared', limits: { idleMs: 5000 } } } });
    expect(many.map((u) => u.path)).toEqual(['/mcp/a', '/mcp/b']);
    expect(many[1]).toMatchObject({ isolation: 'shared', limits: { idleMs: 5000, maxTotal: 200 } });
    expect(parseGatewayConfig({ upstreams: { only: { command: 'node', args: ['s.js'] } } })[0]!.path).toBe('/mcp');
  });

  it.each([
    [{}, 'config: expected {"upstreams": {"<name>": {...}}}'],
    [{ upstreams: {} }, 'config: upstreams: at least one upstream is needed'],
    [{ upstreams: { a: { stdio: 'x', url: 'http://h' } } }, 'config: upstreams.a: give exactly one of stdio (a command line), command (+ args) or url'],
    [{ upstreams: { a: { url: 'ftp://h' } } }, 'config: upstreams.a.url: not an http(s) URL: ftp://h'],
    [{ upstreams: { a: { stdio: 'x', colour: 'red' } } }, 'config: upstreams.a.colour: unknown field'],
    [{ upstreams: { a: { stdio: 'x', scopes: { default: 'two words' } } } }, 'config: upstreams.a.scopes.default: a scope name (RFC 6749 §3.3)'],
    [{ upstreams: { a: { stdio: 'x', limits: { maxTotal: 0 } } } }, 'config: upstreams.a.limits.maxTotal: an integer >= 1'],
    [{ upstreams: { a: { stdio: 'x', isolation: 'none' } } }, 'config: upstreams.a.isolation: per-user or shared, got none'],
    [{ upstreams: { sse: { stdio: 'x' }, b: { stdio: 'y' } } }, 'config: upstreams.sse.path: must be /mcp or /mcp/<name>'],
    [{ upstreams: { a: { stdio: 'x', path: '/mcp/z' }, b: { stdio: 'y', path: '/mcp/z' } } }, 'config: upstreams.b.path: /mcp/z is used twice'],
    [{ upstreams: { a: { stdio: 'x', headers: {} } } }, 'config: upstreams.a.headers: only for a url upstream'],
  ])('%j is refused with one line', (json, message) => {
    expect(() => parseGatewayConfig(json)).toThrow(message);
  });

  it('scopes: per-tool override, then readOnlyHint -> the read scope, then the default', () => {
    const policy = new ScopePolicy({ default: 'write', readOnly: 'read', tools: { dangerous_read: ['write'], open: [] } });
    policy.learn([{ name: 'get', annotations: { readOnlyHint: true } }, { name: 'dangerous_read', annotations: { readOnlyHint: true } }, { name: 'put' }]);
    expect(policy.scopesFor('get')).toEqual(['read']);
    expect(policy.scopesFor('put')).toEqual(['write']);
    expect(policy.scopesFor('dangerous_read')).toEqual(['write']);
    expect(policy.scopesFor('open')).toEqual([]);
    expect(policy.scopesFor('never_listed')).toEqual(['write']);
    expect(policy.allScopes()).toEqual(['read', 'write']);
  });

  it('restarts: the first at once, then a doubling delay capped at 30 s', () => {
    expect([1, 2, 3, 4, 10].map(restartDelayMs)).toEqual([0, 1000, 2000, 4000, 30_000]);
  });
});
