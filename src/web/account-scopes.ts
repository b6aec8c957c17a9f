import { Hono } from 'hono';
import { formatScope, parseScope } from '../oauth/scopes.js';
import { emit } from '../events/events.js';
import type { Csrf } from './csrf.js';
import type { WebDeps } from './deps.js';
import { readPageForm, readRepeatedField } from './form.js';
import { refused } from './login.js';
import { redirectHere } from './page.js';
import { currentSession } from './sessions.js';

/**
 * POST /account/scopes: the person keeps only some of an application's scopes. Issued tokens cannot shrink, so the
 * app's grants are revoked (RFC 6749 §10.4: their refresh tokens end, access tokens are refused by grant_id) and
 * the remembered consent becomes the kept scopes: the app must connect again, and anything beyond them is asked
 * for on the consent page. Nothing kept is the same as revoking.
 */
export function accountScopesRoute(deps: WebDeps & { csrf: Csrf }): Hono {
  const app = new Hono();
  app.post('/account/scopes', async (c) => {
    const form = await readPageForm(c);
    const session = await currentSession(deps, c);
    if (!session) return redirectHere(c, '/login');
    if (!deps.csrf.verify(c, session.idHash, form.csrf)) return refused(c);
    const clientId = form.client_id ?? '';
    const ticked = await readRepeatedField(c, 'scope');
    const now = deps.clock();
    // Only this person's own grants: no one reduces another's access by guessing ids.
    const grants = (await deps.store.listGrantsForSubject(session.user.id)).filter((g) => g.clientId === clientId && g.revokedAt === null);
    if (grants.length === 0) return redirectHere(c, '/account');
    for (const g of grants) await deps.store.revokeGrant(g.id, now);
    await deps.store.deleteConsents(session.user.id, clientId);
    const kept: string[] = [];
    for (const resource of new Set(grants.map((g) => g.resource))) {
      const had = new Set(grants.filter((g) => g.resource === resource).flatMap((g) => parseScope(g.scope)));
      const keep = deps.scopes.order([...had].filter((s) => ticked.includes(s)));
      kept.push(...keep);
      if (keep.length > 0) await deps.store.saveConsent({ subject: session.user.id, clientId, resource, scope: formatScope(keep), createdAt: now, updatedAt: now });
    }
    await emit(deps.events, { type: 'grants.reduced_by_user', clientId, subject: session.user.id, kept: [...new Set(kept)] });
    return redirectHere(c, kept.length ? '/account?reduced=1' : '/account?revoked=1');
  });
  return app;
}
