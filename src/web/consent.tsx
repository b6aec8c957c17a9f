import { Hono, type Context } from 'hono';
import { completeAuthorization } from '../auth-server/authorize.js';
import type { ValidatedAuthorizationRequest } from '../auth-server/interaction.js';
import { describeClient, describeRedirect } from './client-display.js';
import { consentCovers, consentedScopes, describeScopes, rememberConsent } from './consents.js';
import type { Csrf } from './csrf.js';
import type { WebDeps } from './deps.js';
import { readPageForm } from './form.js';
import { consumePendingRequest, isInteractionId, loadPendingRequest } from './interactions.js';
import { refused } from './login.js';
import { redirectFormTarget, redirectHere, renderPage } from './page.js';
import { currentSession, type SignedIn } from './sessions.js';
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

  const approve = async (session: SignedIn, request: ValidatedAuthorizationRequest, how: string) => {
    await rememberConsent(deps, session.user.id, request);
    return completeAuthorization(deps, request, { kind: 'approved', subject: session.user.id, scopes: request.scopes, how });
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
        scopes={describeScopes(deps.scopes, request.scopes)}
        alreadyAllowed={await consentedScopes(deps, session.user.id, request)}
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
    return approve(session, request, 'approved on the consent page');
  });

  return app;
}
