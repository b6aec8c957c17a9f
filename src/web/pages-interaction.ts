import type { AuthServerDeps } from '../auth-server/deps.js';
import type { Interaction } from '../auth-server/interaction.js';
import { consentCovers } from './consents.js';
import { savePendingRequest } from './interactions.js';
import { redirectHere } from './page.js';
import { currentSession } from './sessions.js';

/**
 * The login and consent pages as the authorize endpoint's Interaction (DEMO_MODE=false): a signed-in person
 * who already consented to these scopes for this client and resource is approved at once; anyone else is
 * sent to /login or /consent with the request parked server-side under a random id.
 */
export function pagesInteraction(deps: AuthServerDeps): Interaction {
  return {
    async decide(c, request) {
      const session = await currentSession(deps, c);
      if (session && (await consentCovers(deps, session.user.id, request))) {
        return { kind: 'approved', subject: session.user.id, scopes: request.scopes, how: 'covered by a remembered consent' };
      }
      const id = await savePendingRequest(deps, request);
      const next = session ? `/consent?i=${id}` : `/login?i=${id}`;
      return { kind: 'respond', response: redirectHere(c, next as `/${string}`) };
    },
  };
}
