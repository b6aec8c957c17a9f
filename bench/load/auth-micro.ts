/**
 * The cost of auth without the noise of a network run: bearer authentication of one request, in process, with
 * the real verifier (JWT already verified once, so served from its cache, plus the revocation check) against the
 * fixed verifier the "auth off" servers use. Also one uncached ES256 verification. Prints one JSON line (µs).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { KeyRing } from '../../src/keys/key-ring.js';
import { authenticate, type BearerOptions } from '../../src/resource-server/bearer.js';
import { JwksCache } from '../../src/resource-server/jwks-source.js';
import { JwtVerifier } from '../../src/resource-server/jwt-verifier.js';
import { apiAudiences, serverResources } from '../../src/demo/resources.js';
import { protectedResourceMetadataUrl } from '../../src/resource-server/resources.js';
import { revocationCheck } from '../../src/resource-server/revocation-check.js';
import type { TokenVerifier } from '../../src/resource-server/types.js';
import { openStore } from '../../src/store/open-store.js';

const N = Number(process.argv[2] ?? 50_000);
const config = loadConfig({ DATABASE_URL: 'sqlite::memory:' });
const clock = systemClock;
const store = await openStore(config.databaseUrl);
const keys = await KeyRing.open({ store, secretKey: config.secretKey, clock, accessTokenTtl: 3600 });
const r = serverResources(config.mcpServer.url);

async function mint() {
  const key = keys.signingKey();
  return new SignJWT({ client_id: 'bench', scope: 'read write' })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid })
    .setIssuer(config.authServer.issuer)
    .setSubject('bench')
    .setAudience(r.mcp)
    .setIssuedAt(clock())
    .setExpirationTime(clock() + 3600)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

const real = new JwtVerifier({ issuer: config.authServer.issuer, audiences: apiAudiences(r), clock, keys: new JwksCache({ fetchJwks: async () => keys.jwks(), clock }), isRevoked: revocationCheck(store) });
const token = await mint();
const verified = await real.verify(token);
const fixed: TokenVerifier = { verify: async () => verified };
const opts = (verifier: TokenVerifier): BearerOptions => ({
  verifier,
  resource: r.origin,
  audiences: apiAudiences(r),
  resourceMetadataUrl: protectedResourceMetadataUrl(r.origin),
  requiredScopes: ['read'],
});
const request = new Request(`${config.mcpServer.url}/api/data`, { headers: { authorization: `Bearer ${token}` } });

async function perCall(o: BearerOptions, n: number): Promise<number> {
  for (let i = 0; i < 2000; i++) await authenticate(request, o); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const result = await authenticate(request, o);
    if (result instanceof Response) throw new Error(`refused: ${result.status}`);
  }
  return ((performance.now() - t0) * 1000) / n;
}

const onUs: number[] = [];
const offUs: number[] = [];
for (let round = 0; round < 5; round++) {
  offUs.push(await perCall(opts(fixed), N));
  onUs.push(await perCall(opts(real), N));
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

// One full verification (signature, claims) per fresh token: what a cache miss costs.
const fresh = await Promise.all(Array.from({ length: 200 }, () => mint()));
const t0 = performance.now();
for (const t of fresh) await real.verify(t);
const uncachedUs = ((performance.now() - t0) * 1000) / fresh.length;

await store.close();
process.stdout.write(`${JSON.stringify({ authOnUs: med(onUs), authOffUs: med(offUs), uncachedVerifyUs: uncachedUs, calls: N })}\n`);
