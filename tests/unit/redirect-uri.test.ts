import { describe, expect, it } from 'vitest';
import { checkRedirectUri, redirectUriMatches } from '../../src/oauth/redirect-uri.js';
import { redirectUriProblems } from '../../src/auth-server/client-metadata.js';

describe('checkRedirectUri (AS-7, docs/security.md redirect policy)', () => {
  it.each([
    ['https://chatgpt.com/connector/oauth/abc', 'ChatGPT connector (interop note 4)'],
    ['http://127.0.0.1:33418/', 'VS Code loopback on a random port (interop notes 1, 2)'],
    ['http://localhost:5173/oauth/callback', 'mcp-remote style (interop note 1)'],
    ['http://[::1]:8080/callback', 'IPv6 loopback'],
    ['cursor://anysphere.cursor-mcp/oauth/callback', 'Cursor private-use scheme (interop note 3)'],
    ['vscode://vscode.github-authentication/did-authenticate', 'VS Code private-use scheme'],
    ['https://app.example.com/cb?tenant=1', 'https with a query'],
    ['com.example.app:/oauth2redirect', 'reverse-domain private-use scheme (RFC 8252 §7.1)'],
    ['claude://claude.ai/oauth/callback', 'another app scheme'],
  ])('AS-7 accepts %s (%s)', (uri) => {
    expect(checkRedirectUri(uri)).toMatchObject({ ok: true });
  });

  it.each([
    ['javascript:alert(1)', /javascript: scheme/],
    ['data:text/html,<script>alert(1)</script>', /data: scheme/],
    ['vbscript:msgbox', /vbscript: scheme/],
    ['file:///etc/passwd', /file: scheme/],
    ['https://app.example.com/cb#frag', /fragment/],
    ['https://app.example.com/cb#', /fragment/],
    ['http://app.example.com/cb', /non-loopback/],
    ['http://127.0.0.2/cb', /non-loopback/],
    ['https://user:pass@app.example.com/cb', /user information/],
    ['/relative/callback', /absolute/],
    ['not a uri', /absolute/],
  ])('AS-7 refuses %s with a reason naming the rule', (uri, reason) => {
    const result = checkRedirectUri(uri);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it.each([
    'ftp://files.example.com/cb', 'ws://127.0.0.1:8080/cb', 'wss://app.example.com/cb', 'mailto:someone@example.com',
    'view-source:https://app.example.com/cb', 'chrome://settings', 'chrome-extension://abcdef/cb', 'about:blank',
    'blob:https://app.example.com/1234', 'filesystem:https://app.example.com/temporary/x', 'tel:+15555550100',
    'intent://scan/?scheme=zxing', 'JAVASCRIPT:alert(1)', 'moz-extension://abc/cb',
  ])('AS-7 refuses the special scheme of %s', (uri) => {
    const result = checkRedirectUri(uri);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/scheme/);
  });

  it('AS-7 / interop note 3: redirectUriProblems names the index and the URI of every broken one', () => {
    const problems = redirectUriProblems(['http://127.0.0.1/cb', 'javascript:alert(1)', 'https://x.example/cb#f']);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^redirect_uris\[1\] "javascript:alert\(1\)": uses the javascript: scheme/);
    expect(problems[1]).toMatch(/^redirect_uris\[2\] "https:\/\/x\.example\/cb#f": must not contain a fragment/);
  });
});

describe('redirectUriMatches (AS-7, RFC 8252 §7.3)', () => {
  it('AS-7 exact match for https and private-use schemes', () => {
    expect(redirectUriMatches('https://chatgpt.com/connector/oauth/abc', 'https://chatgpt.com/connector/oauth/abc')).toBe(true);
    expect(redirectUriMatches('https://chatgpt.com/connector/oauth/abc', 'https://chatgpt.com/connector/oauth/abcd')).toBe(false);
    expect(redirectUriMatches('https://chatgpt.com/connector/oauth/abc', 'https://chatgpt.com:8443/connector/oauth/abc')).toBe(false);
    expect(redirectUriMatches('cursor://anysphere.cursor-mcp/oauth/callback', 'cursor://anysphere.cursor-mcp/oauth/callback')).toBe(true);
    expect(redirectUriMatches('cursor://anysphere.cursor-mcp/oauth/callback', 'cursor://evil/oauth/callback')).toBe(false);
  });

  it('AS-7 loopback http matches on any port, same host and path (interop note 1)', () => {
    expect(redirectUriMatches('http://127.0.0.1/', 'http://127.0.0.1:54321/')).toBe(true);
    expect(redirectUriMatches('http://localhost:1/oauth/callback', 'http://localhost:9876/oauth/callback')).toBe(true);
    expect(redirectUriMatches('http://[::1]/cb', 'http://[::1]:4000/cb')).toBe(true);
    expect(redirectUriMatches('http://127.0.0.1/cb', 'http://127.0.0.1:4000/other')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1/cb', 'http://127.0.0.1:4000/cb?x=1')).toBe(false);
  });

  it('AS-7 a loopback request with user information never matches, as it is refused at registration', () => {
    expect(redirectUriMatches('http://127.0.0.1/cb', 'http://evil@127.0.0.1:4000/cb')).toBe(false);
    expect(redirectUriMatches('http://localhost/cb', 'http://user:pass@localhost:4000/cb')).toBe(false);
  });

  it('interop note 1: localhost and 127.0.0.1 are not interchanged', () => {
    expect(redirectUriMatches('http://localhost/cb', 'http://127.0.0.1:4000/cb')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1/cb', 'http://localhost/cb')).toBe(false);
  });

  it('AS-7 port freedom is only for loopback http, never https or other hosts', () => {
    expect(redirectUriMatches('https://localhost/cb', 'https://localhost:4000/cb')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1/cb', 'https://127.0.0.1/cb')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1/cb', 'http://127.0.0.1:4000/cb#x')).toBe(false);
  });
});
