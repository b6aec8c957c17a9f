import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url, SignJWT, type JWTHeaderParameters } from 'jose';
import { vi } from 'vitest';
import { buildMcpServer } from '../../src/cli/compose.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig, type Env } from '../../src/config/config.js';
import { KeyRing } from '../../src/keys/key-ring.js';
import { silentLogger } from '../../src/log/logger.js';
import { JwksCache } from '../../src/resource-server/jwks-source.js';
import { JwtVerifier, type JwtVerifierOptions } from '../../src/resource-server/jwt-verifier.js';
import { apiAudiences, serverResources } from '../../src/demo/resources.js';
import { openStore } from '../../src/store/open-store.js';

/** Claims of a token; a claim set to undefined is left out. */
export type Claims = Record<string, unknown>;

/**
 * Everything to mint and verify access tokens in process: a KeyRing on an in-memory store, a frozen clock,
 * a JWKS fetch spy that reads the ring (so rotations are seen), and a verifier over them.
 */
export async function makeTokenKit(opts: { env?: Env; verifier?: Partial<JwtVerifierOptions> } = {}) {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', RATE_LIMIT_PER_MINUTE: '0', ...opts.env });
  const clock = fixedClock();
  const store = await openStore(config.databaseUrl);
  const keys = await KeyRing.open({ store, secretKey: config.secretKey, clock, accessTokenTtl: config.ttl.accessToken });
  const resources = serverResources(config.mcpServer.url);
  const issuer = config.authServer.issuer;
  const fetchJwks = vi.fn(async () => structuredClone(keys.jwks()));
  const jwks = new JwksCache({ fetchJwks, clock });
  const getKey = vi.spyOn(jwks, 'getKey');
  const verifier = new JwtVerifier({ issuer, audiences: apiAudiences(resources), clock, keys: jwks, ...opts.verifier });

  /** The claims a valid token for /mcp/v1 carries, before overrides. */
  const baseClaims = (): Claims => ({
    iss: issuer,
    sub: 'user-1',
    aud: resources.mcp,
    client_id: 'client-1',
    scope: 'read write',
    iat: clock(),
    exp: clock() + 3600,
    jti: randomUUID(),
  });

  /** Signs a token with the ring's current key (ES256, typ at+jwt) unless the header says otherwise. */
  const mint = async (overrides: Claims = {}, header: Partial<JWTHeaderParameters> = {}): Promise<string> => {
    const key = keys.signingKey();
    return new SignJWT(withoutUndefined({ ...baseClaims(), ...overrides }))
      .setProtectedHeader(withoutUndefined({ alg: key.alg, typ: 'at+jwt', kid: key.kid, ...header }) as JWTHeaderParameters)
      .sign(key.privateKey);
  };

  return { config, clock, store, keys, resources, issuer, fetchJwks, jwks, getKey, verifier, baseClaims, mint, close: () => store.close() };
}

export type TokenKit = Awaited<ReturnType<typeof makeTokenKit>>;

/** The demo's MCP server (its REST API and discovery routes), in process, over the kit's store and verifier. */
export async function makeApiApp(kit: TokenKit) {
  // Bound on all interfaces as far as the app knows, so requests without a Host header (app.request) pass.
  const config = { ...kit.config, mcpServer: { ...kit.config.mcpServer, host: '0.0.0.0' } };
  const server = await buildMcpServer(config, { store: kit.store, logger: silentLogger(), clock: kit.clock }, {}, { verifier: kit.verifier });
  return { app: server.app, deps: server.deps, server };
}

/** An `alg: none` token: header and claims, an empty signature (RFC 7519 §6). */
export function unsecuredToken(claims: Claims, header: Claims = {}): string {
  const enc = (o: Claims) => base64url.encode(JSON.stringify(o));
  return `${enc({ alg: 'none', typ: 'at+jwt', ...header })}.${enc(claims)}.`;
}

/** The classic key-confusion attack: HS256 keyed with the bytes of the issuer's public key. */
export async function hs256Token(claims: Claims, secret: string, header: Claims = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', ...header })
    .sign(new TextEncoder().encode(secret));
}

/** Changes one character in the middle of the signature, so the signature bytes really change. */
export function tamperSignature(token: string): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const i = Math.floor(s.length / 2);
  const swapped = s[i] === 'A' ? 'B' : 'A';
  return `${h}.${p}.${s.slice(0, i)}${swapped}${s.slice(i + 1)}`;
}

/** A real HTTP server on 127.0.0.1 serving `body()` at /.well-known/jwks.json; counts requests. */
export async function serveJwks(body: () => unknown): Promise<{ issuer: string; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    count++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    issuer: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

function withoutUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
