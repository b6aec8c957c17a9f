/** One forwarded request, as the audit trail and /metrics record it. */
export interface ForwardedCall {
  upstream: string;
  subject: string;
  clientId: string;
  /** tools/call: the tool's name; other methods: the method. */
  method: string;
  tool?: string;
  /** success; tool_error (the tool answered isError); refused (scope); failure (the upstream failed or timed out). */
  outcome: 'success' | 'tool_error' | 'refused' | 'failure';
  latencyMs: number;
  error?: string;
}

/** Where the gateway reports what it forwards; the CLI wires it to the audit log and the metrics registry. */
export interface GatewayObserver {
  forwarded(call: ForwardedCall): void;
}
