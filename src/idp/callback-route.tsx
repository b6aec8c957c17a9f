import { Hono } from 'hono';
import { emit } from '../events/events.js';
import { loadPendingRequest } from '../web/interactions.js';
import { redirectHere, renderPage } from '../web/page.js';
import { startSession } from '../web/sessions.js';
import { MessagePage } from '../web/views/layout.js';
import { takeAttempt } from './attempt-cookie.js';
import { idpRedirectUri, type IdpDeps } from './deps.js';
import { personFor } from './linking.js';
import { decide } from './policy.js';
import { IDP_RULES, refusalPage } from './refusal-page.js';
import { IdpRefusal } from './upstream.js';

/**
 * GET /idp/<name>/callback: the provider's answer. Every check passes before anything is stored: the attempt
 * cookie, state, iss, the code exchange with PKCE, the ID token (OpenID Connect), the sign-in policy. Then the
 * person is found or created by (issuer, subject), signed in, and sent on to the consent page of the pending
 * request (or /account). A refusal is a page, an audit event, and nothing else.
 */
export function idpCallbackRoute(deps: IdpDeps): Hono {
  const app = new Hono();
  app.get('/idp/:name/callback', async (c) => {
    const party = deps.parties.get(c.req.param('name'));
    if (!party) return renderPage(c, <MessagePage title="Unknown sign-in provider" message="This server has no sign-in provider by that name." />, { status: 404 });
    const attempt = takeAttempt(deps, c, deps.attemptKey, party.config.name);
    const pending = await loadPendingRequest(deps, attempt?.interactionId);
    const flow = { clientId: pending?.client.clientId, ...(pending?.flowId && { flowId: pending.flowId }) };

    const refuse = async (refusal: IdpRefusal) => {
      deps.logger.warn({ provider: party.config.name, reason: refusal.reason, detail: refusal.detail }, 'upstream sign-in refused');
      await emit(deps.events, { type: 'login.upstream_refused', ...flow, provider: party.config.name, reason: refusal.reason, rule: IDP_RULES[refusal.reason], detail: refusal.detail });
      return refusalPage(c, refusal.reason, party.config.label);
    };

    if (!attempt) return refuse(new IdpRefusal('expired', 'no sign-in attempt cookie for this provider, or it expired'));
    try {
      const { identity, tokens } = await party.complete(idpRedirectUri(deps.config.authServer.issuer, party.config.name), new URL(c.req.url), attempt);
      const decision = decide(party.config.policy, identity);
      if (!decision.allowed) throw new IdpRefusal('not_allowed', `${identity.email ?? identity.subject}: ${decision.why}`);
      const user = await personFor(deps, party.config, identity, decision.isAdmin);
      if (party.config.tokenVault) await deps.vault.save(user.id, party.config.name, tokens);
      await startSession(deps, c, user.id);
      deps.logger.info({ user: user.id, provider: party.config.name }, 'signed in upstream');
      await emit(deps.events, { type: 'login.upstream_succeeded', ...flow, subject: user.id, username: user.username, provider: party.config.name, label: party.config.label });
      return redirectHere(c, pending ? `/consent?i=${attempt.interactionId}` : '/account');
    } catch (err) {
      if (err instanceof IdpRefusal) return refuse(err);
      throw err;
    }
  });
  return app;
}

