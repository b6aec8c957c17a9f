import type { AuthServerDeps } from '../auth-server/deps.js';
import type { Interaction } from '../auth-server/interaction.js';
import { consentCovers } from './consents.js';
import { savePendingRequest } from './interactions.js';
import { redirectHere } from './page.js';
import { currentSession } from './sessions.js';

/**
 * The login and consent pages as the authorize endpoint's Interaction (DEMO_MODE=false): a signed-in person
 * who already consented to these scopes for this client and resource is approved at once; anyone else is
 * sent to /login or /consent with the request parked server-side under a random id. `prompt` (OpenID Connect
 * Core §3.1.2.1): `none` answers without a page or fails with login_required / consent_required; `login`
 * signs in again even with a session (the login page honours it too); `consent` asks again even when a
 * remembered consent covers the request (so does the consent page).
 */
export function pagesInteraction(deps: AuthServerDeps): Interaction {
  return {
    async decide(c, request) {
      const prompt = request.prompt ?? [];
      const session = prompt.includes('login') ? undefined : await currentSession(deps, c);
      const covered = session !== undefined && !prompt.includes('consent') && (await consentCovers(deps, session.user.id, request));
      if (session && covered) {
        return { kind: 'approved', subject: session.user.id, scopes: request.scopes, how: 'covered by a remembered consent' };
      }
      if (prompt.includes('none')) return { kind: 'interaction_required', error: session ? 'consent_required' : 'login_required' };
      const id = await savePendingRequest(deps, request);
      const next = session ? `/consent?i=${id}` : `/login?i=${id}`;
      return { kind: 'respond', response: redirectHere(c, next as `/${string}`) };
    },
  };
}
