import { Hono, type Context } from 'hono';
import { completeAuthorization } from '../auth-server/authorize.js';
import type { ValidatedAuthorizationRequest } from '../auth-server/interaction.js';
import { describeClient, describeRedirect } from './client-display.js';
import { consentCovers, consentedScopes, rememberConsent } from './consents.js';
import type { Csrf } from './csrf.js';
import type { WebDeps } from './deps.js';
import { readPageForm, readRepeatedField } from './form.js';
import { consumePendingRequest, isInteractionId, loadPendingRequest } from './interactions.js';
import { refused } from './login.js';
import { redirectFormTarget, redirectHere, renderPage } from './page.js';
import { currentSession, type SignedIn } from './sessions.js';
import { consentCatalog } from './scope-catalog.js';
import { ConsentPage } from './views/consent.js';
import { MessagePage } from './views/layout.js';

type ConsentDeps = WebDeps & { csrf: Csrf };

function expired(c: Context): Promise<Response> {
  return renderPage(
    c,
    <MessagePage
      title="This request has expired"
      message="This authorization request was already answered, or waited too long."
      hint="Go back to the application and connect again."
    />,
    { status: 400 },
  );
}

/** GET and POST /consent: who is asking, where the code goes, what for, for which resource; Allow or Deny. */
export function consentRoutes(deps: ConsentDeps): Hono {
  const app = new Hono();
  const toLogin = (c: Context, i: string | undefined) => redirectHere(c, isInteractionId(i) ? `/login?i=${i}` : '/login');

  const catalog = deps.consentCatalog ?? consentCatalog(deps.scopes);

  const approve = async (session: SignedIn, request: ValidatedAuthorizationRequest, how: string, granted: ValidatedAuthorizationRequest['scopes'] = request.scopes) => {
    // The token carries only what was ticked (completeAuthorization keeps it within what was asked); a later call
    // needing more is stepped up with 403 insufficient_scope (RS-6).
    await rememberConsent(deps, session.user.id, request, granted);
    return completeAuthorization(deps, request, { kind: 'approved', subject: session.user.id, scopes: granted, how });
  };

  app.get('/consent', async (c) => {
    const i = c.req.query('i');
    const request = await loadPendingRequest(deps, i);
    if (!request) return expired(c);
    const session = await currentSession(deps, c);
    if (!session) return toLogin(c, i);
    if (!request.prompt?.includes('consent') && (await consentCovers(deps, session.user.id, request))) {
      // Signed in just now and already consented to all of this: nothing to ask.
      const taken = await consumePendingRequest(deps, i);
      return taken ? approve(session, taken, 'covered by a remembered consent') : expired(c);
    }
    const target = redirectFormTarget(request.redirectUri);
    return renderPage(
      c,
      <ConsentPage
        csrf={deps.csrf.issue(c, session.idHash)}
        interactionId={i!}
        username={session.user.username}
        client={describeClient(request.client)}
        redirectTo={describeRedirect(request.redirectUri)}
        resource={request.resource}
        scopes={request.scopes.map((name) => ({ name, ...catalog(name) }))}
        alreadyAllowed={await consentedScopes(deps, session.user.id, request)}
        publicClient={request.client.tokenEndpointAuthMethod === 'none'}
      />,
      // The form's POST ends in a redirect to the client; CSP form-action must allow that hop (see page.ts).
      { formTargets: target ? [target] : [] },
    );
  });

  app.post('/consent', async (c) => {
    const form = await readPageForm(c);
    const session = await currentSession(deps, c);
    if (!session) return toLogin(c, form.i);
    if (!deps.csrf.verify(c, session.idHash, form.csrf)) return refused(c);
    if (form.decision !== 'approve' && form.decision !== 'deny') {
      return renderPage(c, <MessagePage title="No decision" message="Choose Allow or Deny." />, { status: 400 });
    }
    // Single use: the first decision wins, a resent form finds nothing.
    const request = await consumePendingRequest(deps, form.i);
    if (!request) return expired(c);
    deps.logger.info({ event: 'consent', decision: form.decision, clientId: request.client.clientId, user: session.user.id }, 'consent decided');
    if (form.decision === 'deny') return completeAuthorization(deps, request, { kind: 'denied', subject: session.user.id });
    // The page sends `choose` with its checkboxes; a form without them (an older page) approves what was asked.
    const ticked = form.choose === '1' ? await readRepeatedField(c, 'scope') : request.scopes;
    const granted = request.scopes.filter((s) => ticked.includes(s));
    const how = granted.length < request.scopes.length ? `approved on the consent page: ${granted.join(' ') || 'no scope'} of ${request.scopes.join(' ')}` : 'approved on the consent page';
    return approve(session, request, how, granted);
  });

  return app;
}
