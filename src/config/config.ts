import * as z from 'zod';
import type { IdentityProviderConfig } from '../idp/presets.js';
import { identityProviders } from './identity-providers.js';
import { badOrigin, badProxy, outOfBounds, TTL_BOUNDS, type BoundedVariable } from './value-checks.js';

/** The default SECRET_KEY of the original demo; refused outside demo mode. */
export const DEFAULT_SECRET_KEY = 'dev-secret-key-change-in-production';

const bool = z
  .enum(['true', 'false', 'True', 'False', 'TRUE', 'FALSE', '1', '0', 'yes', 'no'], {
    error: 'must be true or false',
  })
  .transform((v) => ['true', '1', 'yes'].includes(v.toLowerCase()));

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const seconds = z.coerce.number({ error: 'must be a number of seconds' }).int('must be whole seconds').positive('must be positive');

const httpUrl = z
  .string()
  .url('must be an absolute URL')
  // zod runs this refinement even when .url() failed, so an unparsable value must not throw here.
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'must be an http or https URL');

const list = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

/** Every environment variable the servers read, with the original demo's names and defaults. */
const envSchema = z.object({
  OAUTH_SERVER_HOST: z.string().min(1).default('127.0.0.1'),
  OAUTH_SERVER_PORT: port.default(5000),
  OAUTH_ISSUER: httpUrl.default('http://127.0.0.1:5000'),
  MCP_SERVER_HOST: z.string().min(1).default('127.0.0.1'),
  MCP_SERVER_PORT: port.default(5001),
  MCP_SERVER_URL: httpUrl.default('http://127.0.0.1:5001'),
  SECRET_KEY: z.string().min(1, 'must not be empty').default(DEFAULT_SECRET_KEY),
  DEMO_MODE: bool.default(true),
  DEMO_CLIENT_ID: z.string().min(1).default('demo_client'),
  DEMO_CLIENT_SECRET: z.string().min(1).default('demo_secret'),
  DEMO_AUTHORIZATION_CODE: z.string().min(1).default('DEMO_AUTH_CODE_12345'),
  DEMO_USERNAME: z.string().min(1).default('demo'),
  DATABASE_URL: z
    .string()
    .default('sqlite:./data/oauth-mcp.db')
    .refine((u) => /^(sqlite:|postgres(ql)?:\/\/)/.test(u), 'must start with sqlite: or postgres://'),
  ACCESS_TOKEN_TTL: seconds.default(3600),
  REFRESH_TOKEN_TTL: seconds.default(30 * 24 * 3600),
  AUTHORIZATION_CODE_TTL: seconds.default(60),
  REFRESH_GRACE_SECONDS: z.coerce.number().int().min(0, 'must be zero or more').default(10),
  CORS_ORIGINS: list.default([]),
  TRUSTED_PROXIES: list.default([]),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MCP_AUTH_MODE: z.enum(['oauth', 'server-managed']).default('oauth'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(120),
  CIMD_ALLOW_PRIVATE_ADDRESSES: bool.default(false),
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,32}$/, 'must be 1 to 32 letters, digits or hyphens')
    .optional(),
  RATE_LIMIT_STORE: z.enum(['memory', 'postgres', 'redis']).default('memory'),
  REDIS_URL: z
    .string()
    .refine((u) => /^rediss?:\/\//.test(u), 'must start with redis:// or rediss://')
    .optional(),
  KEY_RELOAD_SECONDS: seconds.default(60),
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // Upstream identity providers (docs/identity.md)
  LOCAL_PASSWORDS: bool.default(true),
  IDP_PRESET: z.string().min(1).optional(),
  IDP_ISSUER: z.string().min(1).optional(),
  IDP_CLIENT_ID: z.string().min(1).optional(),
  IDP_CLIENT_SECRET: z.string().min(1).optional(),
  IDP_SCOPES: z.string().transform((s) => s.split(/[\s,]+/).filter(Boolean)).optional(),
  IDP_ALLOWED_DOMAINS: list.default([]),
  IDP_ALLOWED_EMAILS: list.default([]),
  IDP_REQUIRED_GROUP: z.string().min(1).optional(),
  IDP_ADMIN_EMAILS: list.default([]),
  IDP_ADMIN_GROUP: z.string().min(1).optional(),
  IDP_TOKEN_VAULT: bool.default(false),
  IDP_CONFIG_FILE: z.string().min(1).optional(),
  REGISTRATION_POLICY: z.enum(['open', 'token', 'closed']).default('open'),
  DATA_ITEMS_PER_OWNER: z.coerce.number().int().positive('must be positive').default(1000),
  DATA_BYTES_PER_OWNER: z.coerce.number().int().positive('must be positive').default(1024 * 1024),
  CIMD_ALLOWED_DOMAINS: list.default([]),
  CIMD_DENIED_DOMAINS: list.default([]),
  /** The operator's word that a demo or server-managed server reachable by others is meant (cli/start-refusals.ts). */
  ALLOW_PUBLIC_WITHOUT_LOGIN: bool.default(false),
  DPOP_REQUIRE_NONCE: bool.default(false),
});

export type Env = Record<string, string | undefined>;

/** The validated, frozen configuration. The only place that reads the environment is {@link loadConfig}. */
export interface Config {
  authServer: { host: string; port: number; issuer: string };
  mcpServer: { host: string; port: number; url: string };
  secretKey: string;
  demo: { enabled: boolean; clientId: string; clientSecret: string; authorizationCode: string; username: string };
  databaseUrl: string;
  ttl: { accessToken: number; refreshToken: number; authorizationCode: number; refreshGrace: number };
  corsOrigins: string[];
  trustedProxies: string[];
  logLevel: string;
  mcpAuthMode: 'oauth' | 'server-managed';
  rateLimitPerMinute: number;
  cimdAllowPrivateAddresses: boolean;
  /** Scale-out: names this process; MCP session ids start with `${instanceId}.` so a load balancer can route them. */
  instanceId: string | undefined;
  /** Where rate-limit counters live: this process (memory), the PostgreSQL database, or Redis at `redisUrl`. */
  rateLimitStore: 'memory' | 'postgres' | 'redis';
  redisUrl: string | undefined;
  /** How often each authorization-server process re-reads the signing keys (another instance may have rotated). */
  keyReloadSeconds: number;
  /** PEM files for serving https directly (both servers); unset when a proxy terminates TLS. */
  tls: { certFile: string; keyFile: string } | undefined;
  /** When set, GET /metrics of both servers asks for `Authorization: Bearer <metricsToken>`. */
  metricsToken: string | undefined;
  /** Upstream identity providers people may sign in with (docs/identity.md); empty when none is configured. */
  identityProviders: readonly IdentityProviderConfig[];
  /** False: the sign-in page shows only the providers, and POST /login refuses (LOCAL_PASSWORDS=false). */
  localPasswords: boolean;
  /** Dynamic registration (RFC 7591): `open` (authorization-code clients only), `token` (initial access token), `closed`. */
  registrationPolicy: 'open' | 'token' | 'closed';
  /** Per-owner quota on data items: how many, and how many bytes of names in all. */
  dataQuota: { items: number; bytes: number };
  /** Client ID Metadata Document hosts: when `allowed` is non-empty only those domains (and subdomains); never `denied` ones. */
  cimdDomains: { allowed: string[]; denied: string[] };
  /** ALLOW_PUBLIC_WITHOUT_LOGIN: start a demo or server-managed server on a public address or issuer anyway. */
  allowPublicWithoutLogin: boolean;
  /** RFC 9449 §8, §9: DPoP proofs must carry a server-issued nonce (token endpoint and resource server). */
  dpopRequireNonce: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Validates the environment; throws a ConfigError whose message is one line naming the variable and the reason. */
export function loadConfig(env: Env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  // Parsed once per process: zod's JIT fast path for objects (`new Function` code generated from the shape, which no
  // code cache holds) would cost every start ~5 ms to compile for this one parse; `jitless` uses its plain parser
  // (same issues, same messages). bench/HISTORY.md, round 2, fifth pass on cold start.
  const parsed = envSchema.safeParse(present, { jitless: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  for (const name of Object.keys(TTL_BOUNDS) as BoundedVariable[]) {
    const reason = outOfBounds(name, e[name]);
    if (reason) throw new ConfigError(`${name}: ${reason}`);
  }
  for (const [name, values, check] of [['CORS_ORIGINS', e.CORS_ORIGINS, badOrigin], ['TRUSTED_PROXIES', e.TRUSTED_PROXIES, badProxy]] as const) {
    const reason = values.map(check).find(Boolean);
    if (reason) throw new ConfigError(`${name}: ${reason}`);
  }
  if (e.RATE_LIMIT_STORE === 'redis' && !e.REDIS_URL) throw new ConfigError('REDIS_URL: required when RATE_LIMIT_STORE=redis');
  if (e.RATE_LIMIT_STORE === 'postgres' && !/^postgres(ql)?:\/\//.test(e.DATABASE_URL)) {
    throw new ConfigError('RATE_LIMIT_STORE: postgres needs DATABASE_URL=postgres://...');
  }
  if (Boolean(e.TLS_CERT_FILE) !== Boolean(e.TLS_KEY_FILE)) {
    throw new ConfigError(`${e.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE'}: TLS_CERT_FILE and TLS_KEY_FILE go together`);
  }
  const issuer = e.OAUTH_ISSUER.replace(/\/+$/, '');
  const mcpUrl = e.MCP_SERVER_URL.replace(/\/+$/, '');
  if (e.TLS_CERT_FILE) {
    // Serving TLS ourselves: the URLs clients are given must say https, or metadata and redirects would lie.
    for (const [name, url] of [['OAUTH_ISSUER', issuer], ['MCP_SERVER_URL', mcpUrl]] as const) {
      if (new URL(url).protocol !== 'https:') throw new ConfigError(`${name}: must be an https URL when TLS_CERT_FILE is set`);
    }
  }
  if (!e.DEMO_MODE) {
    if (e.SECRET_KEY === DEFAULT_SECRET_KEY) {
      throw new ConfigError('SECRET_KEY: the default key is refused outside demo mode; set a long random value');
    }
    if (e.SECRET_KEY.length < 32) throw new ConfigError('SECRET_KEY: must be at least 32 characters outside demo mode');
    for (const [name, url] of [['OAUTH_ISSUER', issuer], ['MCP_SERVER_URL', mcpUrl]] as const) {
      const u = new URL(url);
      // MCP authorization: all authorization endpoints MUST be served over HTTPS outside local development (AS-14).
      if (u.protocol === 'http:' && !LOOPBACK.has(u.hostname)) {
        throw new ConfigError(`${name}: http is only allowed on a loopback host outside demo mode; use https`);
      }
    }
  }
  let providers: IdentityProviderConfig[];
  try {
    providers = identityProviders(
      {
        preset: e.IDP_PRESET,
        issuer: e.IDP_ISSUER,
        clientId: e.IDP_CLIENT_ID,
        clientSecret: e.IDP_CLIENT_SECRET,
        scopes: e.IDP_SCOPES,
        allowedDomains: e.IDP_ALLOWED_DOMAINS,
        allowedEmails: e.IDP_ALLOWED_EMAILS,
        requiredGroup: e.IDP_REQUIRED_GROUP,
        adminEmails: e.IDP_ADMIN_EMAILS,
        adminGroup: e.IDP_ADMIN_GROUP,
        tokenVault: e.IDP_TOKEN_VAULT,
        configFile: e.IDP_CONFIG_FILE,
      },
      { demo: e.DEMO_MODE },
    );
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (!e.LOCAL_PASSWORDS && !e.DEMO_MODE && providers.length === 0) {
    throw new ConfigError('LOCAL_PASSWORDS: false leaves no way to sign in; configure IDP_ISSUER or IDP_CONFIG_FILE');
  }
  return Object.freeze({
    authServer: { host: e.OAUTH_SERVER_HOST, port: e.OAUTH_SERVER_PORT, issuer },
    mcpServer: { host: e.MCP_SERVER_HOST, port: e.MCP_SERVER_PORT, url: mcpUrl },
    secretKey: e.SECRET_KEY,
    demo: {
      enabled: e.DEMO_MODE,
      clientId: e.DEMO_CLIENT_ID,
      clientSecret: e.DEMO_CLIENT_SECRET,
      authorizationCode: e.DEMO_AUTHORIZATION_CODE,
      username: e.DEMO_USERNAME,
    },
    databaseUrl: e.DATABASE_URL,
    ttl: {
      accessToken: e.ACCESS_TOKEN_TTL,
      refreshToken: e.REFRESH_TOKEN_TTL,
      authorizationCode: e.AUTHORIZATION_CODE_TTL,
      refreshGrace: e.REFRESH_GRACE_SECONDS,
    },
    corsOrigins: e.CORS_ORIGINS,
    trustedProxies: e.TRUSTED_PROXIES,
    logLevel: e.LOG_LEVEL,
    mcpAuthMode: e.MCP_AUTH_MODE,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    cimdAllowPrivateAddresses: e.CIMD_ALLOW_PRIVATE_ADDRESSES,
    instanceId: e.INSTANCE_ID,
    rateLimitStore: e.RATE_LIMIT_STORE,
    redisUrl: e.REDIS_URL,
    keyReloadSeconds: e.KEY_RELOAD_SECONDS,
    tls: e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE } : undefined,
    metricsToken: e.METRICS_TOKEN,
    identityProviders: Object.freeze(providers),
    localPasswords: e.LOCAL_PASSWORDS,
    registrationPolicy: e.REGISTRATION_POLICY,
    dataQuota: { items: e.DATA_ITEMS_PER_OWNER, bytes: e.DATA_BYTES_PER_OWNER },
    cimdDomains: { allowed: e.CIMD_ALLOWED_DOMAINS.map((d) => d.toLowerCase()), denied: e.CIMD_DENIED_DOMAINS.map((d) => d.toLowerCase()) },
    allowPublicWithoutLogin: e.ALLOW_PUBLIC_WITHOUT_LOGIN,
    dpopRequireNonce: e.DPOP_REQUIRE_NONCE,
  });
}
