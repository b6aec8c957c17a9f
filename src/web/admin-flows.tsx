import { Hono, type Context } from 'hono';
import type { WebDeps } from './deps.js';
import { timelines } from './flow-steps.js';
import { redirectHere, renderPage } from './page.js';
import { auditOf } from '../observability/audit-of.js';
import { currentSession } from './sessions.js';
import { FlowPage, FlowsPage } from './views/flows.js';
import { MessagePage } from './views/layout.js';

/** How many flows the list shows, and at most how many of their events are read. */
const FLOWS_SHOWN = 25;
const EVENTS_READ = 2000;
const FLOW_ID = /^fl_[a-z0-9]{1,40}$/;

/**
 * Who may see the timeline: in demo mode anyone (there is no login, and the demo user is an administrator; the
 * page says so); otherwise a signed-in administrator. Returns the response to send instead, or undefined.
 */
async function refuse(deps: WebDeps, c: Context): Promise<Response | undefined> {
  if (deps.config.demo.enabled) return undefined;
  const session = await currentSession(deps, c);
  if (!session) return redirectHere(c, '/login');
  if (!session.user.isAdmin) {
    return renderPage(c, <MessagePage title="Administrators only" message="The flow timeline is for administrators." hint="Ask an administrator, or sign in as one." />, {
      status: 403,
    });
  }
  return undefined;
}

async function clientNames(deps: WebDeps, clientIds: string[]): Promise<Map<string, string | null>> {
  const names = new Map<string, string | null>();
  for (const id of new Set(clientIds)) names.set(id, (await deps.store.getClient(id))?.clientName ?? null);
  return names;
}

/** GET /admin/flows and /admin/flows/:id: the flow timeline (docs/observability.md), the original's 13-step diagram made live. */
export function adminFlowRoutes(deps: WebDeps): Hono {
  const app = new Hono();

  app.get('/admin/flows', async (c) => {
    const refusal = await refuse(deps, c);
    if (refusal) return refusal;
    await auditOf(deps).flush(); // this process's queued events first (observability/audit-queue.ts)
    const flows = await deps.store.listFlows({ limit: FLOWS_SHOWN });
    const events = await deps.store.listAuditEvents({ flowIds: flows.map((f) => f.flowId), limit: EVENTS_READ });
    const recent = await deps.store.listAuditEvents({ limit: 200 });
    const orphans = recent.filter((e) => e.flowId === null && e.outcome === 'failure').reverse().slice(0, 20);
    const names = await clientNames(deps, flows.map((f) => f.clientId));
    return renderPage(c, <FlowsPage demo={deps.config.demo.enabled} timelines={timelines(flows, events, names)} orphans={orphans} />);
  });

  app.get('/admin/flows/:id', async (c) => {
    const refusal = await refuse(deps, c);
    if (refusal) return refusal;
    const id = c.req.param('id');
    await auditOf(deps).flush(); // this process's queued events first (observability/audit-queue.ts)
    const flow = FLOW_ID.test(id) ? await deps.store.getFlow(id) : undefined;
    if (!flow) return renderPage(c, <MessagePage title="No such flow" message="This flow does not exist, or has expired (flows are kept 30 days)." />, { status: 404 });
    const events = await deps.store.listAuditEvents({ flowIds: [flow.flowId], limit: EVENTS_READ });
    const [timeline] = timelines([flow], events, await clientNames(deps, [flow.clientId]));
    return renderPage(c, <FlowPage demo={deps.config.demo.enabled} timeline={timeline!} />);
  });

  return app;
}
