import { parse } from 'dotenv';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, DEFAULT_SECRET_KEY, loadConfig, type Env } from '../../src/config/config.js';
import { readEnv } from '../../src/config/env.js';

const STRONG_SECRET = 'k'.repeat(48);

/** Loads the config and returns the error message it stops with (failing the test when it does not stop). */
function refusal(env: Env): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig defaults', () => {
  it('keeps the original demo names and values', () => {
    const c = loadConfig({});
    expect(c.authServer).toStrictEqual({ host: '127.0.0.1', port: 5000, issuer: 'http://127.0.0.1:5000' });
    expect(c.mcpServer).toStrictEqual({ host: '127.0.0.1', port: 5001, url: 'http://127.0.0.1:5001' });
    expect(c.demo).toMatchObject({
      enabled: true,
      clientId: 'demo_client',
      clientSecret: 'demo_secret',
      authorizationCode: 'DEMO_AUTH_CODE_12345',
    });
    expect(c.secretKey).toBe(DEFAULT_SECRET_KEY);
    expect(c.secretKey).toBe('dev-secret-key-change-in-production');
    // The original issued one-hour access tokens.
    expect(c.ttl.accessToken).toBe(3600);
  });

  it('defaults the rest: SQLite under ./data, lifetimes, empty lists, info logs, oauth mode', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBe('sqlite:./data/oauth-mcp.db');
    expect(c.ttl).toStrictEqual({ accessToken: 3600, refreshToken: 30 * 24 * 3600, authorizationCode: 60, refreshGrace: 10 });
    expect(c.corsOrigins).toStrictEqual([]);
    expect(c.trustedProxies).toStrictEqual([]);
    expect(c.logLevel).toBe('info');
    expect(c.mcpAuthMode).toBe('oauth');
    expect(c.cimdAllowPrivateAddresses).toBe(false);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ OAUTH_SERVER_PORT: '', DEMO_MODE: '', OAUTH_ISSUER: '' }).authServer).toStrictEqual({
      host: '127.0.0.1',
      port: 5000,
      issuer: 'http://127.0.0.1:5000',
    });
  });

  it('reads only the env it is given, never process.env', () => {
    vi.stubEnv('OAUTH_SERVER_PORT', '6123');
    try {
      expect(loadConfig({}).authServer.port).toBe(5000);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });
});

describe('loadConfig parsing', () => {
  it('takes ports, booleans, lists and lifetimes from strings', () => {
    const c = loadConfig({
      OAUTH_SERVER_PORT: '8080',
      MCP_SERVER_PORT: '8081',
      DEMO_MODE: 'False',
      SECRET_KEY: STRONG_SECRET,
      CORS_ORIGINS: ' https://a.example , https://b.example ,,',
      ACCESS_TOKEN_TTL: '600',
      CIMD_ALLOW_PRIVATE_ADDRESSES: 'yes',
      DATABASE_URL: 'postgres://u@127.0.0.1:5432/db',
    });
    expect(c.authServer.port).toBe(8080);
    expect(c.mcpServer.port).toBe(8081);
    expect(c.demo.enabled).toBe(false);
    expect(c.corsOrigins).toStrictEqual(['https://a.example', 'https://b.example']);
    expect(c.ttl.accessToken).toBe(600);
    expect(c.cimdAllowPrivateAddresses).toBe(true);
    expect(c.databaseUrl).toBe('postgres://u@127.0.0.1:5432/db');
  });

  it.each(['true', 'TRUE', '1', 'yes'])('DEMO_MODE=%s is on', (v) => {
    expect(loadConfig({ DEMO_MODE: v }).demo.enabled).toBe(true);
  });

  it('removes trailing slashes from OAUTH_ISSUER and MCP_SERVER_URL', () => {
    const c = loadConfig({ OAUTH_ISSUER: 'http://127.0.0.1:5000/', MCP_SERVER_URL: 'http://127.0.0.1:5001//' });
    expect(c.authServer.issuer).toBe('http://127.0.0.1:5000');
    expect(c.mcpServer.url).toBe('http://127.0.0.1:5001');
    expect(loadConfig({ OAUTH_ISSUER: 'https://auth.example.com/tenant-a/' }).authServer.issuer).toBe('https://auth.example.com/tenant-a');
  });
});

describe('loadConfig refuses a bad value with one line naming the variable and the reason', () => {
  it.each<[Env, string]>([
    [{ OAUTH_SERVER_PORT: 'abc' }, 'OAUTH_SERVER_PORT: must be a port number'],
    [{ OAUTH_SERVER_PORT: '70000' }, 'OAUTH_SERVER_PORT: must be between 0 and 65535'],
    [{ MCP_SERVER_PORT: '-1' }, 'MCP_SERVER_PORT: must be between 0 and 65535'],
    [{ OAUTH_SERVER_PORT: '50.5' }, 'OAUTH_SERVER_PORT: must be a whole number'],
    [{ OAUTH_ISSUER: 'not a url' }, 'OAUTH_ISSUER: must be an absolute URL'],
    [{ OAUTH_ISSUER: 'ftp://files.example.com' }, 'OAUTH_ISSUER: must be an http or https URL'],
    [{ MCP_SERVER_URL: 'localhost:5001' }, 'MCP_SERVER_URL: must be an http or https URL'],
    [{ DEMO_MODE: 'maybe' }, 'DEMO_MODE: must be true or false'],
    [{ DATABASE_URL: 'mysql://127.0.0.1/db' }, 'DATABASE_URL: must start with sqlite: or postgres://'],
    [{ DATABASE_URL: './data/x.db' }, 'DATABASE_URL: must start with sqlite: or postgres://'],
    [{ ACCESS_TOKEN_TTL: '0' }, 'ACCESS_TOKEN_TTL: must be positive'],
  ])('%o', (env, message) => {
    const m = refusal(env);
    expect(m).toBe(message);
    expect(m).not.toContain('\n');
  });

  it('names an unknown LOG_LEVEL on one line', () => {
    const m = refusal({ LOG_LEVEL: 'loud' });
    expect(m).toMatch(/^LOG_LEVEL: /);
    expect(m).not.toContain('\n');
  });

  it('reports the first bad variable when there are several', () => {
    expect(refusal({ OAUTH_SERVER_PORT: 'x', DEMO_MODE: 'maybe' })).toMatch(/^OAUTH_SERVER_PORT: /);
  });
});

describe('loadConfig outside demo mode', () => {
  const prod = { DEMO_MODE: 'false', SECRET_KEY: STRONG_SECRET };

  it('refuses the default SECRET_KEY, explicit or implied', () => {
    expect(refusal({ DEMO_MODE: 'false' })).toMatch(/^SECRET_KEY: the default key is refused outside demo mode/);
    expect(refusal({ DEMO_MODE: 'false', SECRET_KEY: DEFAULT_SECRET_KEY })).toMatch(/^SECRET_KEY: /);
  });

  it('refuses a short SECRET_KEY', () => {
    expect(refusal({ DEMO_MODE: 'false', SECRET_KEY: 'too-short' })).toBe('SECRET_KEY: must be at least 32 characters outside demo mode');
  });

  it('refuses an http issuer or MCP URL on a non-loopback host', () => {
    expect(refusal({ ...prod, OAUTH_ISSUER: 'http://auth.example.com' })).toBe(
      'OAUTH_ISSUER: http is only allowed on a loopback host outside demo mode; use https',
    );
    expect(refusal({ ...prod, OAUTH_ISSUER: 'http://10.1.2.3:5000' })).toMatch(/^OAUTH_ISSUER: /);
    expect(refusal({ ...prod, MCP_SERVER_URL: 'http://mcp.example.com' })).toMatch(/^MCP_SERVER_URL: http is only allowed/);
  });

  it('accepts https anywhere and http on loopback hosts', () => {
    const c = loadConfig({ ...prod, OAUTH_ISSUER: 'https://auth.example.com/', MCP_SERVER_URL: 'https://mcp.example.com' });
    expect(c.authServer.issuer).toBe('https://auth.example.com');
    expect(c.demo.enabled).toBe(false);
    for (const host of ['127.0.0.1', 'localhost', '[::1]']) {
      expect(loadConfig({ ...prod, OAUTH_ISSUER: `http://${host}:5000` }).authServer.issuer).toBe(`http://${host}:5000`);
    }
  });

  it('in demo mode the default key and an http issuer anywhere are allowed', () => {
    const c = loadConfig({ OAUTH_ISSUER: 'http://auth.example.com' });
    expect(c.demo.enabled).toBe(true);
    expect(c.secretKey).toBe(DEFAULT_SECRET_KEY);
  });
});

describe('readEnv (.env file)', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function dotenv(text: string): string {
    dir = mkdtempSync(join(tmpdir(), 'oauth-mcp-env-'));
    const path = join(dir, '.env');
    writeFileSync(path, text);
    return path;
  }

  it('reads variables from the file, and the environment wins', () => {
    const path = dotenv('# comment\nOAUTH_SERVER_PORT=6000\nSECRET_KEY="from-file"\nDEMO_CLIENT_ID=file_client\n');
    const env = readEnv({ SECRET_KEY: 'from-env', DEMO_MODE: 'true' }, path);
    expect(env).toMatchObject({ OAUTH_SERVER_PORT: '6000', SECRET_KEY: 'from-env', DEMO_CLIENT_ID: 'file_client', DEMO_MODE: 'true' });
    const c = loadConfig(env);
    expect(c.authServer.port).toBe(6000);
    expect(c.secretKey).toBe('from-env');
    expect(c.demo.clientId).toBe('file_client');
  });

  it('a bad value in the file is refused like one from the environment', () => {
    const path = dotenv('MCP_SERVER_PORT=not-a-port\n');
    expect(refusal(readEnv({}, path))).toBe('MCP_SERVER_PORT: must be a port number');
  });

  it('without a file returns the environment as given', () => {
    const missing = join(tmpdir(), `no-such-dir-${process.pid}`, '.env');
    expect(readEnv({ A: '1' }, missing)).toStrictEqual({ A: '1' });
  });
});

describe('.env.example', () => {
  const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
  /** The variable names declared in src/config/config.ts's schema. */
  const declared = [...readFileSync(new URL('../../src/config/config.ts', import.meta.url), 'utf8')
    .split('const envSchema = z.object({')[1]!
    .split('\n});')[0]!
    .matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);

  it('documents every variable, each with a comment line, the original names first', () => {
    expect(declared.length).toBeGreaterThan(20);
    const lines = text.split('\n');
    const names = lines.filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l)).map((l) => l.split('=')[0]!);
    expect([...names].sort()).toStrictEqual([...declared].sort());
    for (const name of names) {
      const i = lines.findIndex((l) => l.startsWith(`${name}=`));
      expect(lines[i - 1], `comment above ${name}`).toMatch(/^# \S/);
    }
    expect(names.slice(0, 11)).toStrictEqual([
      'OAUTH_SERVER_HOST', 'OAUTH_SERVER_PORT', 'OAUTH_ISSUER', 'MCP_SERVER_HOST', 'MCP_SERVER_PORT', 'MCP_SERVER_URL',
      'SECRET_KEY', 'DEMO_MODE', 'DEMO_AUTHORIZATION_CODE', 'DEMO_CLIENT_ID', 'DEMO_CLIENT_SECRET',
    ]);
  });

  it('shows the defaults: loading it gives the same configuration as loading nothing', () => {
    expect(loadConfig(parse(text))).toStrictEqual(loadConfig({}));
  });
});

describe('METRICS_TOKEN', () => {
  it('is optional, and refused when too short to be a secret', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'scrape-token-0123456789' }).metricsToken).toBe('scrape-token-0123456789');
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(new ConfigError('METRICS_TOKEN: must be at least 16 characters'));
  });
});

describe('TLS settings (AS-14)', () => {
  const https = { OAUTH_ISSUER: 'https://127.0.0.1:5000', MCP_SERVER_URL: 'https://127.0.0.1:5001' };

  it('TLS_CERT_FILE and TLS_KEY_FILE go together; the missing one is named', () => {
    expect(() => loadConfig({ ...https, TLS_CERT_FILE: '/c.pem' })).toThrow(new ConfigError('TLS_KEY_FILE: TLS_CERT_FILE and TLS_KEY_FILE go together'));
    expect(() => loadConfig({ ...https, TLS_KEY_FILE: '/k.pem' })).toThrow(new ConfigError('TLS_CERT_FILE: TLS_CERT_FILE and TLS_KEY_FILE go together'));
  });

  it('serving TLS requires https URLs, so metadata never advertises http endpoints', () => {
    expect(() => loadConfig({ TLS_CERT_FILE: '/c.pem', TLS_KEY_FILE: '/k.pem' })).toThrow(new ConfigError('OAUTH_ISSUER: must be an https URL when TLS_CERT_FILE is set'));
    expect(loadConfig({ ...https, TLS_CERT_FILE: '/c.pem', TLS_KEY_FILE: '/k.pem' }).tls).toStrictEqual({ certFile: '/c.pem', keyFile: '/k.pem' });
    expect(loadConfig({}).tls).toBeUndefined();
  });
});

describe('REGISTRATION_POLICY, data quota and CIMD domain lists', () => {
  it('default to open registration, 1000 items / 1 MiB per owner and no domain lists; bad values are refused', () => {
    expect(loadConfig({})).toMatchObject({ registrationPolicy: 'open', dataQuota: { items: 1000, bytes: 1048576 }, cimdDomains: { allowed: [], denied: [] } });
    expect(loadConfig({ REGISTRATION_POLICY: 'closed', CIMD_DENIED_DOMAINS: 'Evil.example, bad.example' })).toMatchObject({
      registrationPolicy: 'closed',
      cimdDomains: { allowed: [], denied: ['evil.example', 'bad.example'] },
    });
    expect(() => loadConfig({ REGISTRATION_POLICY: 'anyone' })).toThrow(/^REGISTRATION_POLICY: /);
    expect(() => loadConfig({ DATA_ITEMS_PER_OWNER: '0' })).toThrow(new ConfigError('DATA_ITEMS_PER_OWNER: must be positive'));
  });
});
