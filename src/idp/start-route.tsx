import { Hono } from 'hono';
import { emit } from '../events/events.js';
import { isInteractionId, loadPendingRequest } from '../web/interactions.js';
import { pageHeaders, renderPage } from '../web/page.js';
import { MessagePage } from '../web/views/layout.js';
import { beginAttempt } from './attempt-cookie.js';
import { idpRedirectUri, type IdpDeps } from './deps.js';
import { IDP_RULES, refusalPage } from './refusal-page.js';
import { IdpRefusal } from './upstream.js';

/** GET /idp/<name>/start?i=<interaction>: sends the person to the provider, remembering the attempt in a sealed cookie. */
export function idpStartRoute(deps: IdpDeps): Hono {
  const app = new Hono();
  app.get('/idp/:name/start', async (c) => {
    const party = deps.parties.get(c.req.param('name'));
    if (!party) return renderPage(c, <MessagePage title="Unknown sign-in provider" message="This server has no sign-in provider by that name." />, { status: 404 });
    const i = c.req.query('i');
    const interactionId = isInteractionId(i) ? i : undefined;
    const attempt = beginAttempt(deps, c, deps.attemptKey, party.config.name, interactionId);
    let url: URL;
    try {
      url = await party.authorizationUrl(idpRedirectUri(deps.config.authServer.issuer, party.config.name), attempt);
    } catch (err) {
      const refusal = err instanceof IdpRefusal ? err : new IdpRefusal('provider_error', String(err));
      const pending = await loadPendingRequest(deps, interactionId);
      deps.logger.warn({ provider: party.config.name, reason: refusal.reason, detail: refusal.detail }, 'upstream sign-in could not start');
      await emit(deps.events, {
        type: 'login.upstream_refused',
        clientId: pending?.client.clientId,
        ...(pending?.flowId && { flowId: pending.flowId }),
        provider: party.config.name,
        reason: refusal.reason,
        rule: IDP_RULES[refusal.reason],
        detail: refusal.detail,
      });
      return refusalPage(c, refusal.reason, party.config.label);
    }
    for (const [name, value] of Object.entries(pageHeaders())) c.header(name, value);
    return c.redirect(url.href, 303);
  });
  return app;
}
