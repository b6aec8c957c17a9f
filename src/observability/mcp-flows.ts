import type { Clock } from '../clock.js';
import { setLogFlow } from '../log/context.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import type { AuditLog } from './audit.js';

/** How long a client's flow state is trusted before the store is read again. */
const RECHECK_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * The MCP side of a flow: the verified token names its grant (`grant_id`), and the grant the flow of the
 * authorization that created it, so each person's first call lands in their own flow even when many use one
 * client; a token without a grant (client_credentials, older grants) uses the client's current flow. The
 * first MCP call is recorded once (one atomic update, so once across instances too). Lookups are cached for
 * 5 s per grant (or client), so steady traffic costs no store round trip.
 */
export class McpFlowTracker {
  private readonly checked = new Map<string, { at: number; flowId: string }>();

  constructor(
    private readonly deps: { store: Store; clock: Clock; logger: Logger; audit: AuditLog; nowMs?: () => number },
  ) {}

  async called(token: { clientId: string; subject: string; grantId?: string | undefined }, path = ''): Promise<void> {
    const nowMs = (this.deps.nowMs ?? Date.now)();
    const key = token.grantId ? `grant:${token.grantId}` : `client:${token.clientId}`;
    const hit = this.checked.get(key);
    if (hit && nowMs - hit.at < RECHECK_MS) {
      setLogFlow(hit.flowId, token.clientId);
      return;
    }
    try {
      const grantFlowId = token.grantId ? (await this.deps.store.getGrant(token.grantId))?.flowId : undefined;
      const grantFlow = grantFlowId ? await this.deps.store.getFlow(grantFlowId) : undefined;
      const flow = grantFlow ?? (await this.deps.store.latestFlowForClient(token.clientId)) ?? (await this.deps.audit.startFlow(token.clientId));
      if (flow.mcpAt === null && (await this.deps.store.markFlowMcpCall(flow.flowId, this.deps.clock()))) {
        await this.deps.audit.record({ type: 'mcp_connected', clientId: token.clientId, subject: token.subject, flowId: flow.flowId, detail: `first call with a verified token${path && `: ${path}`}` });
      }
      if (this.checked.size >= MAX_ENTRIES) this.checked.clear();
      this.checked.set(key, { at: nowMs, flowId: flow.flowId });
      setLogFlow(flow.flowId, token.clientId);
    } catch (err) {
      this.deps.logger.error({ err }, 'flow lookup for an MCP call failed');
    }
  }
}
