import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { bearer, protectedResourceMetadataUrl, type ProtectOptions, type ResourceDpop, type ScopeCatalog, type TokenVerifier, type VerifiedToken } from '../../resource-server/index.js';
import type { DataService } from '../data-service.js';
import type { AuthEnv } from './auth-env.js';
import { dataRoutes } from './data.js';
import { profileRoute } from './profile.js';
import { keptListAnswers, listItemsAnswer, profileAnswer } from './reads.js';
import { apiError } from './respond.js';

/** Data items are a name and a number; a few KiB is plenty. */
export const API_MAX_BODY_BYTES = 16 * 1024;

export interface DemoApiOptions {
  verifier: TokenVerifier;
  /** The MCP server's origin: the API's resource, whose metadata is the root document. */
  origin: string;
  /** Token audiences the API accepts besides its origin: the MCP endpoint's resources. */
  audiences: readonly string[];
  scopes: ScopeCatalog;
  data: DataService;
  /** The MCP server's DPoP settings: with them /api accepts `Authorization: DPoP` as the MCP endpoint does (RFC 9449 §7). */
  dpop?: ResourceDpop;
}

/**
 * The demo's REST API (/api/user/profile, /api/data), behind the same bearer checks as the MCP endpoint
 * (RS-3 to RS-9), built from the public resource-server pieces. The whole origin is one protected resource
 * whose MCP endpoint and /api share one data service and one scope vocabulary, so a token issued for the MCP
 * endpoint (the original's clients used one token for both) or for the origin itself (RFC 8707 §2 allows a
 * resource to be an origin) is accepted; challenges point at the root metadata document.
 */
export function demoApiRoutes(o: DemoApiOptions): Hono {
  const read = bearer(o.verifier, protection(o, 'read'));
  const write = bearer(o.verifier, protection(o, 'write'));

  const app = new Hono<AuthEnv>();
  // Only methods with a body: a GET goes through untouched (Hono's limit reads the request body).
  app.on(
    ['POST', 'PUT', 'PATCH', 'DELETE'],
    '/api/*',
    bodyLimit({
      maxSize: API_MAX_BODY_BYTES,
      onError: (c) => apiError(c, 413, { error: 'invalid_request', error_description: `request body larger than ${API_MAX_BODY_BYTES} bytes` }),
    }),
  );
  app.route('/', profileRoute(read));
  app.route('/', dataRoutes(o.data, { read, write }));
  return app as unknown as Hono;
}

/** The bearer check of the API's routes needing `scope`. */
function protection(o: DemoApiOptions, scope: 'read' | 'write'): ProtectOptions {
  return {
    resource: o.origin,
    audiences: o.audiences,
    resourceMetadataUrl: protectedResourceMetadataUrl(o.origin),
    // RS-3: a client without a token is told every scope the API uses, so one authorization covers it all.
    allScopes: o.scopes.names,
    catalog: o.scopes,
    ...(o.dpop && { dpop: o.dpop }),
    scopes: [scope],
  };
}

/**
 * The API's two hottest reads, which a running server answers from node:http directly (the MCP server's
 * `directReads`): the same bearer check and the same answer (reads.ts) as their Hono routes above.
 * tests/integration/api-direct.test.ts holds the two to the same answers.
 */
export function demoApiReads(o: DemoApiOptions) {
  const protect = protection(o, 'read');
  const answerOf = keptListAnswers();
  return [
    { path: '/api/data', verifier: o.verifier, protect, answer: (token: VerifiedToken) => listItemsAnswer(o.data, token, answerOf) },
    { path: '/api/user/profile', verifier: o.verifier, protect, answer: (token: VerifiedToken) => profileAnswer(token) },
  ];
}
