import type { AuditEventRecord, FlowRecord } from '../store/store.js';

/** The participants of the original demo's diagram, as lanes of the timeline. */
export const LANES = ['person', 'client', 'auth', 'mcp'] as const;
export type Lane = (typeof LANES)[number];
export const LANE_NAMES: Record<Lane, string> = {
  person: 'Person (browser)',
  client: 'MCP client',
  auth: 'Authorization server',
  mcp: 'MCP server',
};

export interface FlowStep {
  id: number;
  at: number;
  type: string;
  outcome: 'success' | 'failure';
  from: Lane;
  to: Lane;
  label: string;
  /** The steps of the original's 13-step diagram this one stands for. */
  original?: string;
  rule: string | null;
  error: string | null;
  detail: string | null;
  subject: string | null;
}

export interface FlowTimeline {
  flow: FlowRecord;
  clientName: string | null;
  status: 'connected' | 'failed' | 'in progress';
  steps: FlowStep[];
}

type Shape = { from: Lane; to: Lane; ok: string; failed: string; original?: string };

const SHAPES: Record<string, Shape> = {
  client_registered: { from: 'client', to: 'auth', ok: 'registers (POST /oauth/register)', failed: 'registration refused', original: '3–4' },
  authorization_requested: { from: 'person', to: 'auth', ok: 'authorization request (GET /oauth/authorize)', failed: 'authorization request refused', original: '5' },
  login: { from: 'person', to: 'auth', ok: 'signs in', failed: 'sign-in refused' },
  consent_given: { from: 'auth', to: 'client', ok: 'consent given: code sent to the redirect URI', failed: 'consent', original: '6' },
  consent_denied: { from: 'auth', to: 'client', ok: 'consent denied', failed: 'consent denied: access_denied to the redirect URI', original: '6' },
  token_issued: { from: 'client', to: 'auth', ok: 'token request: access token issued', failed: 'token request refused', original: '7–8' },
  token_refreshed: { from: 'client', to: 'auth', ok: 'refresh: tokens rotated', failed: 'refresh refused' },
  token_revoked: { from: 'client', to: 'auth', ok: 'revokes a token', failed: 'revocation refused' },
  reuse_detected: { from: 'auth', to: 'auth', ok: 'reuse detected', failed: 'reuse detected: grant revoked' },
  mcp_connected: { from: 'client', to: 'mcp', ok: 'first MCP call with the token', failed: 'MCP call refused', original: '9–13' },
  key_rotated: { from: 'auth', to: 'auth', ok: 'signing key rotated', failed: 'key rotation failed' },
  gateway_call: { from: 'client', to: 'mcp', ok: 'tool call forwarded to the upstream server', failed: 'forwarded tool call failed' },
};

/** One audit event as a step of the sequence diagram. */
export function toStep(e: AuditEventRecord): FlowStep {
  const shape = SHAPES[e.type] ?? { from: 'auth', to: 'auth', ok: e.type, failed: e.type };
  // A revocation from /account is the person's doing, not the client's.
  const byPerson = e.type === 'token_revoked' && (e.detail ?? '').startsWith('revoked by the user');
  return {
    id: e.id,
    at: e.at,
    type: e.type,
    outcome: e.outcome,
    from: byPerson ? 'person' : shape.from,
    to: shape.to,
    label: e.outcome === 'failure' ? shape.failed : shape.ok,
    ...(shape.original && { original: shape.original }),
    rule: e.rule,
    error: e.error,
    detail: e.detail,
    subject: e.subject,
  };
}

/** Groups events by flow, in the order of `flows`; a flow's status is its last step's outcome, or connected. */
export function timelines(flows: FlowRecord[], events: AuditEventRecord[], names: Map<string, string | null>): FlowTimeline[] {
  const byFlow = new Map<string, AuditEventRecord[]>();
  for (const e of events) if (e.flowId) byFlow.set(e.flowId, [...(byFlow.get(e.flowId) ?? []), e]);
  return flows.map((flow) => {
    const steps = (byFlow.get(flow.flowId) ?? []).map(toStep);
    const last = steps.at(-1);
    const status = last?.outcome === 'failure' ? 'failed' : flow.mcpAt !== null ? 'connected' : 'in progress';
    return { flow, clientName: names.get(flow.clientId) ?? null, status, steps };
  });
}
