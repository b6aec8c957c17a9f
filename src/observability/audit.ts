import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { logContext, setLogFlow } from '../log/context.js';
import type { Logger } from '../log/logger.js';
import { OAuthError } from '../oauth/errors.js';
import { defaultRule } from '../oauth/rules.js';
import type { AuditWrite, FlowRecord, Store } from '../store/store.js';
import { AuditWriteQueue, type AuditQueueOptions } from './audit-queue.js';
import { createLatestFlows, type LatestFlows } from './latest-flows.js';
import type { Metrics } from './metrics.js';

/** How long audit events and flows are kept after their last activity. */
export const AUDIT_RETENTION_SECONDS = 30 * 24 * 3600;
/** An authorization request joins the client's current flow if it has no token yet and moved this recently. */
export const FLOW_REUSE_SECONDS = 30 * 60;

export const AUDIT_EVENT_TYPES = [
  'client_registered',
  'authorization_requested',
  'login',
  'consent_given',
  'consent_denied',
  'token_issued',
  'token_refreshed',
  'token_revoked',
  'reuse_detected',
  'key_rotated',
  'mcp_connected',
  'refresh_replayed',
  'demo_disabled',
  'gateway_call',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/**
 * How an event finds its flow (interop note 14: one id per client's attempt):
 * - start: a new flow (a registration).
 * - authorize: the client's current flow if it has no token yet and moved in the last 30 minutes, else a new one.
 * - join-or-start: the client's current flow, or a new one (a client that never registered: demo, CIMD).
 * - join: the client's current flow or none (the client id is not verified: never start one for it).
 * - none: not part of a flow (key rotation).
 */
export type FlowPolicy = 'start' | 'authorize' | 'join-or-start' | 'join' | 'none';

const DEFAULT_POLICY: Record<AuditEventType, FlowPolicy> = {
  client_registered: 'start',
  authorization_requested: 'authorize',
  login: 'join-or-start',
  consent_given: 'join-or-start',
  consent_denied: 'join-or-start',
  token_issued: 'join-or-start',
  token_refreshed: 'join-or-start',
  token_revoked: 'join-or-start',
  reuse_detected: 'join-or-start',
  key_rotated: 'none',
  mcp_connected: 'join-or-start',
  refresh_replayed: 'join-or-start',
  demo_disabled: 'none',
  /** A tool call the gateway forwarded upstream: part of the client's flow when it has one. */
  gateway_call: 'join',
};

/** What an endpoint reports. Never put a secret, code, token or verifier in any field. */
export interface AuditInput {
  type: AuditEventType;
  outcome?: 'success' | 'failure';
  clientId?: string | null | undefined;
  subject?: string | null | undefined;
  /** For a refusal: the rule (oauth/rules.ts) and the OAuth error code answered. */
  rule?: string | undefined;
  error?: string | undefined;
  detail?: string | undefined;
  /** Overrides the type's flow policy. */
  flow?: FlowPolicy;
  /** The flow, when the caller already knows it (MCP first call). */
  flowId?: string;
  /** The grant type of a token event, for the tokens-issued metric. */
  grantType?: string | undefined;
}

/** Which endpoint a failure of each type is counted under in auth_failures_total. */
const ENDPOINT: Partial<Record<AuditEventType, string>> = {
  client_registered: 'register',
  authorization_requested: 'authorize',
  login: 'login',
  consent_denied: 'consent',
  token_issued: 'token',
  token_refreshed: 'token',
  token_revoked: 'revoke',
  reuse_detected: 'token',
};

/** An event's log fields, built only when a line is written (a token request at LOG_LEVEL=warn writes none). */
function logFields(input: AuditInput, outcome: 'success' | 'failure', clientId: string | null) {
  return {
    audit: input.type,
    outcome,
    ...(clientId && { clientId }),
    ...(input.subject && { subject: input.subject }),
    ...(input.rule && { rule: input.rule }),
    ...(input.error && { error: input.error }),
    ...(input.detail && { detail: input.detail }),
  };
}

const clip = (s: string | null | undefined, n = 300) => (s == null ? null : s.length > n ? `${s.slice(0, n)}...` : s);

/**
 * What every audit trail of one process writing to one store shares (the authorization server's and the MCP
 * server's): one write queue, so one flush writes everything this process holds for that database, and the
 * clients' current flows. Built once by the composition root (cli/compose.ts) and passed to both servers.
 */
export interface AuditShared {
  queue: AuditWriteQueue;
  latestFlows: LatestFlows;
}

export function auditShared(deps: { store: Store; logger: Logger; metrics?: Metrics | undefined }): AuditShared {
  return { queue: new AuditWriteQueue(deps), latestFlows: createLatestFlows() };
}

/**
 * The audit trail: each security decision becomes one row in the store (audit_events), one log line and a
 * metric, tagged with the client's flow. The row is written behind the response (audit-queue.ts); finding or
 * starting the flow is not, so every event of a request names its flow. Writing never fails the request: a
 * store error is logged and the answer goes out (availability first; the log line still records the event).
 */
export class AuditLog {
  private lastFlowMs = 0;
  private readonly queue: AuditWriteQueue;
  private readonly latestFlows: LatestFlows;

  constructor(
    private readonly deps: { store: Store; clock: Clock; logger: Logger; metrics?: Metrics | undefined; shared?: AuditShared | undefined },
    /** A queue of its own with these options; by default the shared one, or one of its own. */
    queue?: AuditQueueOptions,
  ) {
    this.queue = queue ? new AuditWriteQueue(deps, queue) : (deps.shared?.queue ?? new AuditWriteQueue(deps));
    this.latestFlows = deps.shared?.latestFlows ?? createLatestFlows();
  }

  /** Writes the queued events (of every trail on this store) now: before reading them in this process, in tests, at shutdown. */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  async record(input: AuditInput): Promise<string | null> {
    return this.recordNow(input);
  }

  /**
   * `record`, answered at once when the flow is known in memory (most events): no promise on the token endpoint's
   * path for work that never waits. A promise only when the flow takes the store.
   */
  recordNow(input: AuditInput): string | null | Promise<string | null> {
    const now = this.deps.clock();
    const clientId = clip(input.clientId, 200);
    const flowId: string | null = input.flowId ?? null;
    if (flowId || !clientId) return this.enqueue(input, now, clientId, flowId);
    const policy = input.flow ?? DEFAULT_POLICY[input.type];
    // Most events find their flow in memory: no store read, and no promise to wait on.
    const known = this.flowFromMemory(clientId, policy);
    if (known !== undefined) return this.enqueue(input, now, clientId, known);
    return this.resolveFlow(clientId, policy, now).then(
      (found) => this.enqueue(input, now, clientId, found),
      (err: unknown) => this.enqueue(input, now, clientId, null, { err }),
    );
  }

  /** The event's row queued (unless finding its flow failed: `failed`), its log line and metrics; its flow id. */
  private enqueue(input: AuditInput, now: number, clientId: string | null, flowId: string | null, failed?: { err: unknown }): string | null {
    const outcome = input.outcome ?? 'success';
    try {
      if (failed) throw failed.err;
      const tokenAt = input.type === 'token_issued' && outcome === 'success' ? now : undefined;
      // A flow with a token is no longer one a new authorization request joins.
      if (tokenAt !== undefined && clientId && this.latestFlows.get(clientId)?.flowId === flowId) this.latestFlows.set(clientId, { flowId: flowId!, open: false });
      // Written behind the response, in batches (audit-queue.ts); the flow was found or started above.
      const write: AuditWrite = {
        event: {
          at: now,
          type: input.type,
          outcome,
          clientId,
          subject: clip(input.subject, 200),
          flowId,
          rule: clip(input.rule),
          error: clip(input.error, 64),
          detail: clip(input.detail),
          requestId: logContext()?.reqId ?? null,
          expiresAt: now + AUDIT_RETENTION_SECONDS,
        },
      };
      if (flowId) {
        write.flow = { flowId, at: now, expiresAt: now + AUDIT_RETENTION_SECONDS };
        if (tokenAt !== undefined) write.flow.tokenAt = tokenAt;
      }
      this.queue.push(write);
    } catch (err) {
      this.deps.logger.error({ err, ...logFields(input, outcome, clientId) }, 'audit event could not be stored');
    }
    setLogFlow(flowId, clientId);
    const level = outcome === 'failure' ? 'warn' : 'info';
    if (this.deps.logger.isLevelEnabled(level)) {
      this.deps.logger[level]({ ...logFields(input, outcome, clientId), ...(flowId && { flowId }) }, outcome === 'failure' ? `audit: ${input.type} refused` : `audit: ${input.type}`);
    }
    this.count(input, outcome);
    return flowId;
  }

  /** A refusal carried by an OAuthError: its code, and its rule or the code's default one. */
  refused(input: Omit<AuditInput, 'outcome' | 'rule' | 'error'>, err: OAuthError): Promise<string | null> {
    return this.record({ ...input, outcome: 'failure', rule: err.rule ?? defaultRule(err.code), error: err.code });
  }

  /** Starts a flow for the client now, without an event (the first MCP call of a client with no flow). */
  async startFlow(clientId: string): Promise<FlowRecord> {
    const now = this.deps.clock();
    const flow: FlowRecord = { flowId: this.newFlowId(), clientId, startedAt: now, updatedAt: now, tokenAt: null, mcpAt: null, expiresAt: now + AUDIT_RETENTION_SECONDS };
    await this.deps.store.createFlow(flow);
    this.latestFlows.set(clientId, { flowId: flow.flowId, open: true });
    return flow;
  }

  /** The flow `policy` picks when memory can say (null: none); undefined when it takes the store (resolveFlow). */
  private flowFromMemory(clientId: string, policy: FlowPolicy): string | null | undefined {
    if (policy === 'none') return null;
    const known = policy === 'start' ? undefined : this.latestFlows.get(clientId);
    // join and join-or-start take the current flow whatever its state, so a recent answer from memory will do;
    // authorize joins a flow without a token, which a flow this process started a moment ago is (a registration's).
    if (known && (policy !== 'authorize' || known.open)) return known.flowId;
    return undefined;
  }

  /** The flow `policy` picks when memory could not say (flowFromMemory): the client's latest in the store, or a new one. */
  private async resolveFlow(clientId: string, policy: FlowPolicy, now: number): Promise<string | null> {
    if (policy !== 'start') {
      const current = await this.deps.store.latestFlowForClient(clientId);
      if (current) this.latestFlows.set(clientId, { flowId: current.flowId, open: false });
      if (policy === 'join') return current?.flowId ?? null;
      const fresh = current !== undefined && current.tokenAt === null && now - current.updatedAt < FLOW_REUSE_SECONDS;
      if (current && (policy === 'join-or-start' || fresh)) return current.flowId;
    }
    return (await this.startFlow(clientId)).flowId;
  }

  /** Flow ids sort in creation order (the store breaks same-second ties with them): time in ms, then random. */
  private newFlowId(): string {
    const ms = Math.max(Date.now(), this.lastFlowMs + 1);
    this.lastFlowMs = ms;
    return `fl_${ms.toString(36).padStart(9, '0')}${randomBytes(5).toString('hex')}`;
  }

  private count(input: AuditInput, outcome: 'success' | 'failure'): void {
    const m = this.deps.metrics;
    if (!m) return;
    m.auditEvent(input.type, outcome);
    if (outcome === 'success' && (input.type === 'token_issued' || input.type === 'token_refreshed')) {
      m.tokenIssued(input.grantType ?? (input.type === 'token_refreshed' ? 'refresh_token' : 'unknown'));
    }
    if (outcome === 'failure' && ENDPOINT[input.type]) m.authFailure(ENDPOINT[input.type]!, input.error ?? 'refused');
  }
}
