import type { Clock } from '../clock.js';
import { setLogFlow } from '../log/context.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import type { AuditLog } from './audit.js';

/** How long a client's flow state is trusted before the store is read again. */
const RECHECK_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * The MCP side of a flow: the client id comes from the verified token; the client's current flow is looked up
 * in the store and its first MCP call is recorded once (one atomic update, so once across instances too).
 * Lookups are cached for 5 s per client, so steady traffic costs no store round trip.
 */
export class McpFlowTracker {
  private readonly checked = new Map<string, { at: number; flowId: string }>();

  constructor(
    private readonly deps: { store: Store; clock: Clock; logger: Logger; audit: AuditLog; nowMs?: () => number },
  ) {}

  async called(token: { clientId: string; subject: string }, path = ''): Promise<void> {
    const nowMs = (this.deps.nowMs ?? Date.now)();
    const hit = this.checked.get(token.clientId);
    if (hit && nowMs - hit.at < RECHECK_MS) {
      setLogFlow(hit.flowId, token.clientId);
      return;
    }
    try {
      const flow = (await this.deps.store.latestFlowForClient(token.clientId)) ?? (await this.deps.audit.startFlow(token.clientId));
      if (flow.mcpAt === null && (await this.deps.store.markFlowMcpCall(flow.flowId, this.deps.clock()))) {
        await this.deps.audit.record({ type: 'mcp_connected', clientId: token.clientId, subject: token.subject, flowId: flow.flowId, detail: `first call with a verified token${path && `: ${path}`}` });
      }
      if (this.checked.size >= MAX_ENTRIES) this.checked.clear();
      this.checked.set(token.clientId, { at: nowMs, flowId: flow.flowId });
      setLogFlow(flow.flowId, token.clientId);
    } catch (err) {
      this.deps.logger.error({ err }, 'flow lookup for an MCP call failed');
    }
  }
}
