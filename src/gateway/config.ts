import { splitCommandLine } from './command-line.js';
import { isJsonObject } from '../json-object.js';

/** How the gateway reaches one upstream MCP server. */
export type UpstreamTarget =
  | { kind: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd?: string }
  /** Streamable HTTP, with a fall back to the 2024-11-05 HTTP+SSE transport when the URL does not speak it. */
  | { kind: 'http'; url: string; headers: Record<string, string>; identity: IdentityMode };

/** What an HTTP upstream learns about the caller: a signed identity JWT, plain headers, both, or nothing. */
export interface IdentityMode {
  jwt: boolean;
  headers: boolean;
  /** Lifetime of the identity JWT in seconds. */
  ttlSeconds: number;
}

export interface UpstreamScopes {
  /** The scope a tool needs when nothing more specific applies. */
  default: string;
  /** The scope of a tool annotated readOnlyHint: true (MCP tool annotations). */
  readOnly: string;
  /** Per-tool overrides; an empty list means the tool needs no scope. */
  tools: Record<string, string[]>;
}

export interface UpstreamConfig {
  /** Names the upstream in audit events, metrics and logs. */
  name: string;
  /** Where the gateway serves it: `/mcp` for a single upstream, `/mcp/<name>` by default with several. */
  path: string;
  target: UpstreamTarget;
  /** stdio: one process per user (`per-user`) or one for everyone (`shared`); HTTP: one connection per user or shared. */
  isolation: 'per-user' | 'shared';
  scopes: UpstreamScopes;
  limits: {
    /** Upstream processes (or HTTP connections) at once for this upstream. */
    maxTotal: number;
    /** A user's idle process ends after this long without a request or an open session. */
    idleMs: number;
    /** Time for the upstream to answer initialize. */
    initializeTimeoutMs: number;
    /** Time for any request without progress notifications. */
    requestTimeoutMs: number;
  };
}

export const UPSTREAM_DEFAULTS = {
  isolation: 'per-user',
  scopes: { default: 'write', readOnly: 'read' },
  limits: { maxTotal: 200, idleMs: 10 * 60_000, initializeTimeoutMs: 20_000, requestTimeoutMs: 60_000 },
  identity: { jwt: true, headers: false, ttlSeconds: 60 },
} as const;

/** One upstream from the command line: `--stdio "<command line>"` or `--http <url>`, served at /mcp. */
export function upstreamFromFlags(flags: { stdio?: string; http?: string; shared?: boolean; name?: string }): UpstreamConfig {
  if (!!flags.stdio === !!flags.http) throw new Error('give exactly one of --stdio "<command line>", --http <url> or --config <file>');
  const raw: Record<string, unknown> = flags.stdio ? { stdio: flags.stdio } : { url: flags.http };
  if (flags.shared) raw['isolation'] = 'shared';
  return parseUpstream({ name: flags.name ?? 'upstream', path: '/mcp', ...raw }, 'upstream');
}

/**
 * The config file: `{ "upstreams": { "<name>": { "stdio": "..." | "command": "...", "args": [...] | "url": "..." , ... } } }`
 * (docs/gateway.md has the reference). Every mistake is one line naming the field.
 */
export function parseGatewayConfig(json: unknown): UpstreamConfig[] {
  if (!isJsonObject(json) || !isJsonObject(json['upstreams'])) throw new Error('config: expected {"upstreams": {"<name>": {...}}}');
  const entries = Object.entries(json['upstreams']);
  if (entries.length === 0) throw new Error('config: upstreams: at least one upstream is needed');
  const single = entries.length === 1;
  const upstreams = entries.map(([name, raw]) => {
    if (!/^[a-z0-9][a-z0-9_-]{0,62}$/i.test(name)) throw new Error(`config: upstreams.${name}: names are letters, digits, - and _`);
    if (!isJsonObject(raw)) throw new Error(`config: upstreams.${name}: expected an object`);
    return parseUpstream({ path: single ? '/mcp' : `/mcp/${name}`, ...raw, name }, `upstreams.${name}`);
  });
  const paths = new Set<string>();
  for (const u of upstreams) {
    if (paths.has(u.path)) throw new Error(`config: upstreams.${u.name}.path: ${u.path} is used twice`);
    paths.add(u.path);
  }
  return upstreams;
}

function parseUpstream(raw: Record<string, unknown>, at: string): UpstreamConfig {
  const known = ['name', 'path', 'stdio', 'command', 'args', 'env', 'cwd', 'url', 'headers', 'identity', 'isolation', 'scopes', 'limits'];
  for (const key of Object.keys(raw)) if (!known.includes(key)) throw new Error(`config: ${at}.${key}: unknown field (known: ${known.join(', ')})`);
  const path = str(raw['path'], `${at}.path`);
  // The names below are the /mcp endpoint's own sub-paths (HTTP+SSE, plain endpoints).
  const reserved = ['v1', 'sse', 'messages', 'initialize', 'tools'];
  if (!/^\/mcp(\/[a-z0-9_-]+)?$/i.test(path) || reserved.includes(path.slice(5))) {
    throw new Error(`config: ${at}.path: must be /mcp or /mcp/<name> (not ${reserved.map((r) => `/mcp/${r}`).join(', ')}), got ${path}`);
  }
  const isolation = raw['isolation'] ?? UPSTREAM_DEFAULTS.isolation;
  if (isolation !== 'per-user' && isolation !== 'shared') throw new Error(`config: ${at}.isolation: per-user or shared, got ${String(isolation)}`);
  return {
    name: str(raw['name'], `${at}.name`),
    path,
    target: parseTarget(raw, at),
    isolation,
    scopes: parseScopes(raw['scopes'], `${at}.scopes`),
    limits: parseLimits(raw['limits'], `${at}.limits`),
  };
}

function parseTarget(raw: Record<string, unknown>, at: string): UpstreamTarget {
  const given = ['stdio', 'command', 'url'].filter((k) => raw[k] !== undefined);
  if (given.length !== 1) throw new Error(`config: ${at}: give exactly one of stdio (a command line), command (+ args) or url`);
  if (raw['url'] !== undefined) {
    const url = str(raw['url'], `${at}.url`);
    if (!/^https?:\/\//.test(url) || !URL.canParse(url)) throw new Error(`config: ${at}.url: not an http(s) URL: ${url}`);
    const identity = isJsonObject(raw['identity']) ? raw['identity'] : {};
    const ttl = identity['ttlSeconds'] ?? UPSTREAM_DEFAULTS.identity.ttlSeconds;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 10 || ttl > 3600) throw new Error(`config: ${at}.identity.ttlSeconds: an integer from 10 to 3600`);
    return {
      kind: 'http',
      url,
      headers: strMap(raw['headers'], `${at}.headers`),
      identity: {
        jwt: bool(identity['jwt'], UPSTREAM_DEFAULTS.identity.jwt, `${at}.identity.jwt`),
        headers: bool(identity['headers'], UPSTREAM_DEFAULTS.identity.headers, `${at}.identity.headers`),
        ttlSeconds: ttl,
      },
    };
  }
  for (const k of ['headers', 'identity']) if (raw[k] !== undefined) throw new Error(`config: ${at}.${k}: only for a url upstream`);
  let words: string[];
  if (raw['stdio'] !== undefined) {
    if (raw['args'] !== undefined) throw new Error(`config: ${at}.args: use command + args, or stdio alone`);
    try {
      words = splitCommandLine(str(raw['stdio'], `${at}.stdio`));
    } catch (err) {
      throw new Error(`config: ${at}.stdio: ${(err as Error).message}`);
    }
  } else {
    const args = raw['args'] ?? [];
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw new Error(`config: ${at}.args: a list of strings`);
    words = [str(raw['command'], `${at}.command`), ...args];
  }
  if (words.length === 0) throw new Error(`config: ${at}.stdio: empty command line`);
  const [command, ...args] = words as [string, ...string[]];
  return { kind: 'stdio', command, args, env: strMap(raw['env'], `${at}.env`), ...(raw['cwd'] !== undefined && { cwd: str(raw['cwd'], `${at}.cwd`) }) };
}

function parseScopes(raw: unknown, at: string): UpstreamScopes {
  if (raw === undefined) return { ...UPSTREAM_DEFAULTS.scopes, tools: {} };
  if (!isJsonObject(raw)) throw new Error(`config: ${at}: expected an object`);
  const scope = (v: unknown, fallback: string, where: string) => {
    const s = v ?? fallback;
    // RFC 6749 §3.3: a scope token is printable ASCII without space, quote or backslash.
    if (typeof s !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s)) throw new Error(`config: ${where}: a scope name (RFC 6749 §3.3)`);
    return s;
  };
  const tools: Record<string, string[]> = {};
  const rawTools = raw['tools'] ?? {};
  if (!isJsonObject(rawTools)) throw new Error(`config: ${at}.tools: expected {"<tool>": "<scope>" | ["<scope>", ...]}`);
  for (const [tool, v] of Object.entries(rawTools)) {
    const list = typeof v === 'string' ? (v === '' ? [] : v.split(' ')) : v;
    if (!Array.isArray(list)) throw new Error(`config: ${at}.tools.${tool}: a scope or a list of scopes`);
    tools[tool] = list.map((s) => scope(s, '', `${at}.tools.${tool}`));
  }
  return { default: scope(raw['default'], UPSTREAM_DEFAULTS.scopes.default, `${at}.default`), readOnly: scope(raw['readOnly'], UPSTREAM_DEFAULTS.scopes.readOnly, `${at}.readOnly`), tools };
}

function parseLimits(raw: unknown, at: string): UpstreamConfig['limits'] {
  const d = UPSTREAM_DEFAULTS.limits;
  if (raw === undefined) return { ...d };
  if (!isJsonObject(raw)) throw new Error(`config: ${at}: expected an object`);
  const n = (key: keyof typeof d, min: number) => {
    const v = raw[key] ?? d[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`config: ${at}.${key}: an integer >= ${min}`);
    return v;
  };
  return { maxTotal: n('maxTotal', 1), idleMs: n('idleMs', 1000), initializeTimeoutMs: n('initializeTimeoutMs', 100), requestTimeoutMs: n('requestTimeoutMs', 100) };
}

function str(v: unknown, at: string): string {
  if (typeof v !== 'string' || v === '') throw new Error(`config: ${at}: expected a non-empty string`);
  return v;
}
function bool(v: unknown, fallback: boolean, at: string): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new Error(`config: ${at}: true or false`);
  return v;
}
function strMap(v: unknown, at: string): Record<string, string> {
  if (v === undefined) return {};
  if (!isJsonObject(v) || !Object.values(v).every((x) => typeof x === 'string')) throw new Error(`config: ${at}: expected {"NAME": "value"}`);
  return v as Record<string, string>;
}
