import type { ValidatedAuthorizationRequest } from '../auth-server/interaction.js';
import type { Clock } from '../clock.js';
import { randomToken, sha256 } from '../oauth/crypto.js';
import type { Store } from '../store/store.js';

/** How long a person has to sign in and decide before the request must be started again. */
export const INTERACTION_TTL_SECONDS = 10 * 60;
/** What an interaction id looks like in a URL (randomToken output); anything else is not looked up. */
const ID = /^[A-Za-z0-9_-]{43}$/;

type Deps = { store: Store; clock: Clock };

/**
 * Authorization requests waiting for a person, kept server-side so that nothing the browser sends back can
 * change what is approved: the pages carry only a random id (its SHA-256 is stored).
 */
export async function savePendingRequest(deps: Deps, request: ValidatedAuthorizationRequest): Promise<string> {
  const id = randomToken();
  const now = deps.clock();
  await deps.store.createWebInteraction({ idHash: sha256(id), request: JSON.stringify(request), createdAt: now, expiresAt: now + INTERACTION_TTL_SECONDS });
  return id;
}

export function isInteractionId(id: string | undefined): id is string {
  return id !== undefined && ID.test(id);
}

export async function loadPendingRequest(deps: Deps, id: string | undefined): Promise<ValidatedAuthorizationRequest | undefined> {
  if (!isInteractionId(id)) return undefined;
  const record = await deps.store.getWebInteraction(sha256(id));
  if (!record || record.expiresAt <= deps.clock()) return undefined;
  return JSON.parse(record.request) as ValidatedAuthorizationRequest;
}

/** Takes the request out of the store: one decision per request, even if the form is sent twice. */
export async function consumePendingRequest(deps: Deps, id: string | undefined): Promise<ValidatedAuthorizationRequest | undefined> {
  if (!isInteractionId(id)) return undefined;
  const record = await deps.store.consumeWebInteraction(sha256(id));
  if (!record || record.expiresAt <= deps.clock()) return undefined;
  return JSON.parse(record.request) as ValidatedAuthorizationRequest;
}
