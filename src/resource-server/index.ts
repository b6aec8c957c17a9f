/**
 * The resource-server pieces on their own, for any HTTP API: verify a token, the bearer middleware for Hono,
 * Express and node:http, the RFC 6750 challenges and the RFC 9728 metadata route.
 */
export { createTokenVerifier, type TokenVerifierOptions } from './create-verifier.js';
export { bearer, expressBearer, nodeBearer, type CallerVariables, type ProtectOptions } from './middleware.js';
export { authenticate, type BearerOptions } from './bearer.js';
export type { ResourceDpop } from './dpop.js';
export { MemoryReplayCache, type ReplayCache } from '../oauth/replay-cache.js';
export { DpopNonces } from '../oauth/dpop-nonce.js';
export { DpopKeyCache } from '../oauth/dpop-keys.js';
export {
  protectedResourceMetadataDocument,
  protectedResourceMetadataRoute,
  type ProtectedResourceMetadataRouteOptions,
} from './metadata-route.js';
export { protectedResourceMetadataUrl } from './resources.js';
export {
  challengeResponse,
  insufficientScopeChallenge,
  invalidRequestChallenge,
  invalidTokenChallenge,
  missingTokenChallenge,
  type Challenge,
} from './challenge.js';
export { callerOf, type Caller, type TokenVerifier, type VerifiedToken } from './types.js';
export { scopeCatalog, type ScopeCatalog, type ScopeDefinition, type ScopeDefinitions } from '../oauth/scope-catalog.js';
export type { JwtVerifier } from './jwt-verifier.js';
