import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Env } from '../../src/config/config.js';
import { TTL_BOUNDS } from '../../src/config/value-checks.js';
import { clientAddress } from '../../src/http/client-ip.js';

function refusal(env: Env): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('configuration values are checked beyond their type, with one line naming the variable', () => {
  it.each([
    [{ CORS_ORIGINS: 'https://app.example/' }, /^CORS_ORIGINS: "https:\/\/app.example\/" is not an origin: write it as https:\/\/app.example,/],
    [{ CORS_ORIGINS: 'https://app.example/path' }, /^CORS_ORIGINS: "https:\/\/app.example\/path" is not an origin/],
    [{ CORS_ORIGINS: 'app.example' }, /^CORS_ORIGINS: "app.example" is not an origin \(scheme:\/\/host\[:port\]\)$/],
    [{ CORS_ORIGINS: 'https://ok.example, ftp://files.example' }, /^CORS_ORIGINS: "ftp:\/\/files.example" is not an origin/],
    [{ TRUSTED_PROXIES: 'nginx.internal' }, /^TRUSTED_PROXIES: "nginx.internal" is not an IP address or CIDR block$/],
    [{ TRUSTED_PROXIES: '10.0.0.0/33' }, /^TRUSTED_PROXIES: "10.0.0.0\/33" is not an IP address or CIDR block$/],
    [{ TRUSTED_PROXIES: '127.0.0.1, 10.0.0.300' }, /^TRUSTED_PROXIES: "10.0.0.300" is not/],
    [{ REFRESH_GRACE_SECONDS: '1000000000' }, /^REFRESH_GRACE_SECONDS: must be between 0 and 120 seconds/],
    [{ ACCESS_TOKEN_TTL: '31536000' }, /^ACCESS_TOKEN_TTL: must be between 60 and 86400 seconds/],
    [{ ACCESS_TOKEN_TTL: '5' }, /^ACCESS_TOKEN_TTL: must be between 60 and 86400 seconds/],
    [{ AUTHORIZATION_CODE_TTL: '3600' }, /^AUTHORIZATION_CODE_TTL: must be between 10 and 600 seconds/],
    [{ REFRESH_TOKEN_TTL: '60' }, /^REFRESH_TOKEN_TTL: must be between 300 and /],
    [{ KEY_RELOAD_SECONDS: '86400' }, /^KEY_RELOAD_SECONDS: must be between 1 and 3600 seconds/],
  ])('refuses %o', (env, message) => {
    const m = refusal(env);
    expect(m).toMatch(message);
    expect(m).not.toContain('\n');
  });

  it('accepts origins, addresses and CIDR blocks of both families, and every bound itself', () => {
    const c = loadConfig({
      CORS_ORIGINS: 'https://app.example, http://localhost:6274, *',
      TRUSTED_PROXIES: '127.0.0.1, ::1, 10.0.0.0/8, fd00::/8',
    });
    expect(c.corsOrigins).toStrictEqual(['https://app.example', 'http://localhost:6274', '*']);
    expect(c.trustedProxies).toStrictEqual(['127.0.0.1', '::1', '10.0.0.0/8', 'fd00::/8']);
    for (const [name, [least, most]] of Object.entries(TTL_BOUNDS)) {
      expect(() => loadConfig({ [name]: String(least) }), `${name}=${least}`).not.toThrow();
      expect(() => loadConfig({ [name]: String(most) }), `${name}=${most}`).not.toThrow();
    }
  });

  it('trusts X-Forwarded-For from a peer inside a CIDR block, and from no one outside it', () => {
    const proxies = ['10.1.0.0/16', 'fd00::/8'];
    expect(clientAddress('10.1.2.3', '203.0.113.9', proxies)).toBe('203.0.113.9');
    expect(clientAddress('fd00::7', '203.0.113.9', proxies)).toBe('203.0.113.9');
    expect(clientAddress('10.2.0.1', '203.0.113.9', proxies)).toBe('10.2.0.1');
    // A chain through two proxies of the block: the right-most address outside it is the client.
    expect(clientAddress('10.1.0.1', '198.51.100.4, 10.1.9.9', proxies)).toBe('198.51.100.4');
  });
});
