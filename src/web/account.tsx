import { Hono, type Context } from 'hono';
import type { GrantRecord } from '../store/store.js';
import { parseScope } from '../oauth/scopes.js';
import { emit } from '../events/events.js';
import { describeClient } from './client-display.js';
import { describeScopes } from './consents.js';
import type { Csrf } from './csrf.js';
import type { WebDeps } from './deps.js';
import { readPageForm } from './form.js';
import { refused } from './login.js';
import { redirectHere, renderPage } from './page.js';
import { currentSession, endSession } from './sessions.js';
import { AccountPage, type ConnectedApp } from './views/account.js';

type AccountDeps = WebDeps & { csrf: Csrf };

/** One entry per client: a client may hold several grants (one per authorization); they are shown and revoked together. */
async function connectedApps(deps: AccountDeps, subject: string): Promise<ConnectedApp[]> {
  const byClient = new Map<string, GrantRecord[]>();
  for (const g of await deps.store.listGrantsForSubject(subject)) {
    if (g.revokedAt !== null) continue;
    byClient.set(g.clientId, [...(byClient.get(g.clientId) ?? []), g]);
  }
  const apps: ConnectedApp[] = [];
  for (const [clientId, grants] of byClient) {
    const client = await deps.store.getClient(clientId);
    const scopes = new Set(grants.flatMap((g) => parseScope(g.scope)));
    const used = grants.map((g) => g.lastUsedAt).filter((t): t is number => t !== null);
    apps.push({
      client: client
        ? describeClient(client)
        : { name: clientId, clientId, localhostOnly: false, ...(clientId.startsWith('https://') && { documentHost: new URL(clientId).host }) },
      scopes: describeScopes(deps.scopes, deps.scopes.known([...scopes])),
      grantedAt: Math.min(...grants.map((g) => g.createdAt)),
      lastUsedAt: used.length ? Math.max(...used) : null,
    });
  }
  return apps;
}

/** /account: the connected applications of the signed-in person, each revocable; and sign-out. */
export function accountRoutes(deps: AccountDeps): Hono {
  const app = new Hono();

  app.get('/account', async (c) => {
    const session = await currentSession(deps, c);
    if (!session) return redirectHere(c, '/login');
    const notice =
      c.req.query('revoked') === '1'
        ? 'Access revoked. That application can no longer use your account.'
        : c.req.query('reduced') === '1'
          ? 'Access reduced. That application must connect again, and gets only what you kept.'
          : undefined;
    return renderPage(
      c,
      <AccountPage
        csrf={deps.csrf.issue(c, session.idHash)}
        username={session.user.username}
        apps={await connectedApps(deps, session.user.id)}
        {...(notice && { notice })}
      />,
    );
  });

  app.post('/account/revoke', async (c: Context) => {
    const form = await readPageForm(c);
    const session = await currentSession(deps, c);
    if (!session) return redirectHere(c, '/login');
    if (!deps.csrf.verify(c, session.idHash, form.csrf)) return refused(c);
    const clientId = form.client_id ?? '';
    const now = deps.clock();
    // Only this person's own grants are listed, so no one can revoke another's access by guessing ids.
    const grants = (await deps.store.listGrantsForSubject(session.user.id)).filter((g) => g.clientId === clientId && g.revokedAt === null);
    // RFC 6749 §10.4 / RFC 7009 §2.1: revoking a grant ends its refresh tokens; access tokens are refused by grant_id (revocation-check.ts).
    for (const g of grants) await deps.store.revokeGrant(g.id, now);
    // Forget the consent too: the next authorization asks again.
    await deps.store.deleteConsents(session.user.id, clientId);
    deps.logger.info({ event: 'grant_revoked_by_user', clientId, user: session.user.id, grants: grants.length }, 'access revoked from /account');
    if (grants.length > 0) {
      await emit(deps.events, { type: 'grants.revoked_by_user', clientId, subject: session.user.id, grants: grants.length });
    }
    return redirectHere(c, '/account?revoked=1');
  });

  app.post('/logout', async (c) => {
    const form = await readPageForm(c);
    const session = await currentSession(deps, c);
    if (session && !deps.csrf.verify(c, session.idHash, form.csrf)) return refused(c);
    await endSession(deps, c);
    return redirectHere(c, '/login?signed_out=1');
  });

  return app;
}
