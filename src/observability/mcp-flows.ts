import type { Clock } from '../clock.js';
import { emit, type AuthEvent, type EventSink } from '../events/events.js';
import { setLogFlow } from '../log/context.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import type { AuditLog } from './audit.js';

/** How long a client's flow state is trusted before the store is read again. */
const RECHECK_MS = 5_000;
const MAX_ENTRIES = 10_000;

/** What the audit trail reads and writes to place an MCP call in its flow. */
export type McpFlowStore = Pick<Store, 'getGrant' | 'getFlow' | 'latestFlowForClient' | 'markFlowMcpCall'>;

/**
 * The flow policy of an MCP call (the audit trail's side of `mcp.called`): the verified token names its grant
 * (`grant_id`), and the grant the flow of the authorization that created it, so each person's first call lands
 * in their own flow even when many use one client; a token without a grant (client_credentials, older grants)
 * uses the client's current flow, or starts one. The first MCP call is recorded once (one atomic update, so
 * once across instances too). Answers the flow id.
 */
export async function mcpCallFlow(
  deps: { audit: AuditLog; store: McpFlowStore; clock: Clock },
  call: Extract<AuthEvent, { type: 'mcp.called' }>,
): Promise<string> {
  const { audit, store } = deps;
  const grantFlowId = call.grantId ? (await store.getGrant(call.grantId))?.flowId : undefined;
  const grantFlow = grantFlowId ? await store.getFlow(grantFlowId) : undefined;
  const flow = grantFlow ?? (await store.latestFlowForClient(call.clientId)) ?? (await audit.startFlow(call.clientId));
  if (flow.mcpAt === null && (await store.markFlowMcpCall(flow.flowId, deps.clock()))) {
    await audit.record({ type: 'mcp_connected', clientId: call.clientId, subject: call.subject, flowId: flow.flowId, detail: `first call with a verified token${call.path && `: ${call.path}`}` });
  }
  return flow.flowId;
}

/**
 * The MCP side of a flow: each call with a verified token is emitted as `mcp.called`, and the flow id the sink
 * answers goes into the request's log lines. Answers are cached for 5 s per grant (or client), so steady
 * traffic costs no store round trip.
 */
export class McpFlowTracker {
  private readonly checked = new Map<string, { at: number; flowId: string }>();

  constructor(private readonly deps: { events: EventSink; logger: Logger; nowMs?: () => number }) {}

  /** Returns nothing when the answer was cached (the steady state: no promise per request), else the lookup. */
  called(token: { clientId: string; subject: string; grantId?: string | undefined }, path = ''): void | Promise<void> {
    const nowMs = (this.deps.nowMs ?? Date.now)();
    const key = token.grantId ? `grant:${token.grantId}` : `client:${token.clientId}`;
    const hit = this.checked.get(key);
    if (hit && nowMs - hit.at < RECHECK_MS) {
      setLogFlow(hit.flowId, token.clientId);
      return;
    }
    return this.lookUp(token, key, nowMs, path);
  }

  private async lookUp(token: { clientId: string; subject: string; grantId?: string | undefined }, key: string, nowMs: number, path: string): Promise<void> {
    try {
      const flowId = await emit(this.deps.events, { type: 'mcp.called', clientId: token.clientId, subject: token.subject, grantId: token.grantId, path });
      if (!flowId) return;
      if (this.checked.size >= MAX_ENTRIES) this.checked.clear();
      this.checked.set(key, { at: nowMs, flowId });
      setLogFlow(flowId, token.clientId);
    } catch (err) {
      this.deps.logger.error({ err }, 'flow lookup for an MCP call failed');
    }
  }
}
