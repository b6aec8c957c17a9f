import { auditOf } from '../observability/audit-of.js';
import type { AuthServerDeps } from './deps.js';
import { DEMO_USER_ID } from './demo.js';

/** What retireDemo removed, for the start banner; empty when there was nothing of demo mode left. */
export interface DemoRetirement {
  client: boolean;
  user: boolean;
  revokedGrants: number;
}

/**
 * Outside demo mode nothing of it may keep working (docs/security.md, "Demo to production"): the demo client's
 * secret is published and the demo user needs no password. A database switched to DEMO_MODE=false loses both
 * at start: their grants are revoked first (so refresh tokens stop at once and access tokens within the
 * revocation cache's 5 s), the demo user's sessions end, then both are deleted. A user an operator made with
 * `mcp-auth-server users add` keeps its own id and is not touched, even under the demo username.
 */
export async function retireDemo(deps: Pick<AuthServerDeps, 'config' | 'store' | 'clock' | 'logger' | 'audit' | 'metrics'>): Promise<DemoRetirement> {
  const { config, store } = deps;
  const done: DemoRetirement = { client: false, user: false, revokedGrants: 0 };
  if (config.demo.enabled) return done;
  const now = deps.clock();
  const revokeAll = async (grants: { id: string; revokedAt: number | null }[]) => {
    for (const g of grants) {
      if (g.revokedAt !== null) continue;
      await store.revokeGrant(g.id, now);
      done.revokedGrants++;
    }
  };

  const client = await store.getClient(config.demo.clientId);
  // Only the client demo mode seeded: a registered client cannot take this id (registration picks random ids).
  if (client && client.clientName === 'Demo client') {
    await revokeAll(await store.listGrantsForClient(client.clientId));
    await store.deleteClient(client.clientId);
    done.client = true;
  }
  const user = await store.getUser(DEMO_USER_ID);
  if (user) {
    await revokeAll(await store.listGrantsForSubject(user.id));
    await store.deleteWebSessionsForUser(user.id);
    await store.deleteUser(user.id);
    done.user = true;
  }
  if (done.client || done.user) {
    const detail = `DEMO_MODE=false: ${[done.client && `demo client ${config.demo.clientId}`, done.user && 'demo user'].filter(Boolean).join(' and ')} removed, ${done.revokedGrants} grant(s) revoked`;
    deps.logger.warn({ event: 'demo_disabled', ...done }, detail);
    await auditOf(deps).record({ type: 'demo_disabled', clientId: done.client ? config.demo.clientId : null, subject: done.user ? DEMO_USER_ID : null, detail });
  }
  return done;
}

/** The banner line for a retirement, or undefined when nothing was retired. */
export function demoRetirementLine(r: DemoRetirement): string | undefined {
  if (!r.client && !r.user) return undefined;
  const what = [r.client && 'the demo client', r.user && 'the demo user'].filter(Boolean).join(' and ');
  return `  DEMO DATA DISABLED: DEMO_MODE=false, so ${what} (published credentials) were removed and ${r.revokedGrants} grant(s) revoked.`;
}
