import { Hono, type Context } from 'hono';
import { RateLimiterRes } from '../http/rate-limiter-flexible.js';
import { clientIp } from '../http/client-ip.js';
import { emit } from '../events/events.js';
import type { UsersService } from '../users/users-service.js';
import { describeClient } from './client-display.js';
import type { Csrf } from './csrf.js';
import type { WebDeps } from './deps.js';
import { readPageForm } from './form.js';
import { loadPendingRequest } from './interactions.js';
import type { LoginThrottle } from './login-throttle.js';
import { redirectFormTarget, redirectHere, renderPage } from './page.js';
import { currentSession, startSession } from './sessions.js';
import { MessagePage } from './views/layout.js';
import { LoginPage, type LoginView } from './views/login.js';

/** One message for every failed sign-in: it never says whether the username exists (OWASP authentication cheat sheet). */
export const LOGIN_FAILED = 'The username or password is incorrect.';

type LoginDeps = WebDeps & { users: UsersService; throttle: LoginThrottle; csrf: Csrf; sleep: (ms: number) => Promise<void> };

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

/** GET and POST /login: username and password, then on to the consent page of the pending request (or /account). */
export function loginRoutes(deps: LoginDeps): Hono {
  const app = new Hono();
  // "Continue with <provider>" for each upstream identity provider (docs/identity.md).
  const providers = [...(deps.identity?.parties.values() ?? [])].map((p) => ({ name: p.config.name, label: p.config.label }));

  const render = async (c: Context, i: string | undefined, view: Omit<LoginView, 'csrf'>, status = 200, headers?: Record<string, string>) => {
    const pending = await loadPendingRequest(deps, i);
    const session = await currentSession(deps, c);
    const target = pending && redirectFormTarget(pending.redirectUri);
    return renderPage(
      c,
      <LoginPage
        {...view}
        csrf={deps.csrf.issue(c, session?.idHash)}
        {...(pending && { interactionId: i, clientName: describeClient(pending.client).name })}
        providers={providers}
        localPasswords={deps.config.localPasswords}
      />,
      // After sign-in a remembered consent redirects straight on to the client: that hop is part of this form's navigation.
      { status, formTargets: target ? [target] : [], ...(headers && { headers }) },
    );
  };

  // The only places a sign-in can lead: the pending request's consent page (by id) or /account. Never a URL from the request.
  const next = async (i: string | undefined) => ((await loadPendingRequest(deps, i)) ? (`/consent?i=${i}` as const) : ('/account' as const));

  app.get('/login', async (c) => {
    const i = c.req.query('i');
    // prompt=login: the form even for a signed-in person (OpenID Connect Core §3.1.2.1).
    const again = (await loadPendingRequest(deps, i))?.prompt?.includes('login') ?? false;
    if (!again && (await currentSession(deps, c))) return redirectHere(c, await next(i));
    const notice = c.req.query('signed_out') === '1' ? 'You are signed out.' : undefined;
    return render(c, i, { ...(notice && { notice }) });
  });

  app.post('/login', async (c) => {
    const address = clientIp(c, deps.config.trustedProxies);
    const form = await readPageForm(c);
    const i = form.i;
    // LOCAL_PASSWORDS=false: people sign in only through the identity providers.
    if (!deps.config.localPasswords) return render(c, i, { error: 'Sign-in with a password is turned off on this server.' }, 403);
    try {
      await deps.rateLimits.login.consume(address);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retry = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      return render(c, i, { error: `Too many sign-in attempts from your network. Try again in ${retry} seconds.` }, 429, { 'Retry-After': String(retry) });
    }
    const session = await currentSession(deps, c);
    if (!deps.csrf.verify(c, session?.idHash, form.csrf)) return refused(c);
    const username = (form.username ?? '').trim();
    const password = form.password ?? '';
    // The flow of the request being signed in for, if any (login is a step of the client's flow).
    const pending = await loadPendingRequest(deps, i);
    const clientId = pending?.client.clientId;
    const flowId = pending?.flowId;
    // Counted before the check, atomically: parallel guesses cannot all slip past the limit (login-throttle.ts).
    const reservation = await deps.throttle.reserve(username, address);
    if (!reservation.allowed) {
      const blockedFor = reservation.retryAfterSeconds;
      deps.logger.warn({ username, address }, 'sign-in refused: too many failures');
      await emit(deps.events, { type: 'login.refused', clientId, flowId, reason: 'throttled', username, address });
      const error = `Too many failed sign-ins. Try again in about ${minutes(blockedFor)} minute${minutes(blockedFor) === 1 ? '' : 's'}.`;
      return render(c, i, { error, username }, 429, { 'Retry-After': String(blockedFor) });
    }
    // The account as a whole is under attack: slowed down before the check, the right password included.
    if (reservation.delayMs > 0) await deps.sleep(reservation.delayMs);
    const user = await deps.users.authenticate(username, password);
    if (!user) {
      const delay = await deps.throttle.failed(username, address);
      deps.logger.info({ username, address, delay }, 'sign-in failed');
      await emit(deps.events, { type: 'login.refused', clientId, flowId, reason: 'failed', username, address });
      await deps.sleep(delay);
      return render(c, i, { error: LOGIN_FAILED, username }, 401);
    }
    await deps.throttle.succeeded(username, address);
    await startSession(deps, c, user.id);
    deps.logger.info({ user: user.id, address }, 'signed in');
    await emit(deps.events, { type: 'login.succeeded', clientId, flowId, subject: user.id, username: user.username, address });
    return redirectHere(c, await next(i));
  });

  return app;
}

/** A form whose CSRF token is missing or wrong: refused, with no state changed. */
export function refused(c: Context): Promise<Response> {
  return renderPage(
    c,
    <MessagePage
      title="This form has expired"
      message="The form was refused because its security token is missing or out of date."
      hint="Go back, reload the page and try again."
    />,
    { status: 403 },
  );
}
