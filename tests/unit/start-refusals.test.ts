import { describe, expect, it } from 'vitest';
import { loadConfig, type Env } from '../../src/config/config.js';
import { startRefusal } from '../../src/cli/start-refusals.js';

const PROD = { DEMO_MODE: 'false', SECRET_KEY: 'p'.repeat(48) };
const refusalOf = (env: Env, only: 'auth' | 'mcp' | 'both' = 'both') => startRefusal(loadConfig(env), only);

describe('start refuses deployments that would be unsafe, naming the fix', () => {
  it('a demo bound to a non-loopback address, unless ALLOW_PUBLIC_WITHOUT_LOGIN=true', () => {
    const m = refusalOf({ OAUTH_SERVER_HOST: '0.0.0.0' });
    expect(m).toMatch(/^DEMO_MODE=true gives out tokens without anyone signing in, and OAUTH_SERVER_HOST=0\.0\.0\.0 is not a loopback address: set DEMO_MODE=false/);
    expect(m).toContain('ALLOW_PUBLIC_WITHOUT_LOGIN=true');
    expect(refusalOf({ OAUTH_SERVER_HOST: '0.0.0.0', ALLOW_PUBLIC_WITHOUT_LOGIN: 'true' })).toBeUndefined();
    expect(refusalOf({ MCP_SERVER_HOST: '192.0.2.10' })).toMatch(/MCP_SERVER_HOST=192\.0\.2\.10 is not a loopback address/);
  });

  it('a demo with a public issuer or MCP URL, even when bound to loopback (a proxy in front)', () => {
    expect(refusalOf({ OAUTH_ISSUER: 'https://auth.example.com', TRUSTED_PROXIES: '127.0.0.1' })).toMatch(
      /^DEMO_MODE=true .* OAUTH_ISSUER=https:\/\/auth\.example\.com is not a loopback URL/,
    );
    expect(refusalOf({ MCP_SERVER_URL: 'http://mcp.example.com' }, 'mcp')).toMatch(/MCP_SERVER_URL=http:\/\/mcp\.example\.com is not a loopback URL/);
    // Only the servers being started count: --only auth does not look at the MCP side.
    expect(refusalOf({ MCP_SERVER_URL: 'http://mcp.example.com' }, 'auth')).toBeUndefined();
  });

  it('server-managed mode reachable by others, unless ALLOW_PUBLIC_WITHOUT_LOGIN=true', () => {
    const env = { ...PROD, MCP_AUTH_MODE: 'server-managed', OAUTH_SERVER_HOST: '0.0.0.0', MCP_SERVER_HOST: '0.0.0.0' };
    expect(refusalOf(env)).toMatch(/^MCP_AUTH_MODE=server-managed gives out tokens without anyone signing in, .*set MCP_AUTH_MODE=oauth/);
    expect(refusalOf({ ...env, ALLOW_PUBLIC_WITHOUT_LOGIN: 'true' })).toBeUndefined();
    expect(refusalOf({ ...PROD, OAUTH_SERVER_HOST: '0.0.0.0' })).toBeUndefined();
  });

  it('an https issuer or MCP URL with neither TLS files nor trusted proxies, naming both fixes', () => {
    const https = { ...PROD, OAUTH_ISSUER: 'https://auth.example.com', MCP_SERVER_URL: 'https://mcp.example.com' };
    const m = refusalOf(https);
    expect(m).toMatch(/^OAUTH_ISSUER is https but this server speaks plain http: set TLS_CERT_FILE and TLS_KEY_FILE .* or TRUSTED_PROXIES/);
    expect(refusalOf(https, 'mcp')).toMatch(/^MCP_SERVER_URL is https/);
    expect(refusalOf({ ...https, TRUSTED_PROXIES: '10.0.0.0/8' })).toBeUndefined();
    expect(refusalOf({ ...https, TLS_CERT_FILE: '/etc/cert.pem', TLS_KEY_FILE: '/etc/key.pem' })).toBeUndefined();
  });

  it('starts the defaults (a demo on loopback over http) without a word', () => {
    expect(refusalOf({})).toBeUndefined();
    expect(refusalOf({ OAUTH_SERVER_HOST: 'localhost', MCP_SERVER_HOST: '::1' })).toBeUndefined();
  });
});
