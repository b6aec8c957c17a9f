import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every log line of one request carries: the request id, and once known the flow id and client id
 * (interop note 14: one correlation id per flow). Set by http/request-context.ts, read by the logger's mixin.
 */
export interface LogContext {
  reqId: string;
  flowId?: string;
  clientId?: string;
}

// A carrier for the current request's ids, not shared state: each request runs in its own store.
const storage = new AsyncLocalStorage<LogContext>();

export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The current request's context, or undefined outside a request (CLI, timers). */
export function logContext(): LogContext | undefined {
  return storage.getStore();
}

/** Adds the flow (and its client) to the current request's context, so later log lines carry them. */
export function setLogFlow(flowId: string | null | undefined, clientId: string | null | undefined): void {
  const ctx = storage.getStore();
  if (!ctx) return;
  if (flowId) ctx.flowId = flowId;
  if (clientId) ctx.clientId = clientId;
}
