import type { AuditLog } from './audit.js';

/** The audit trail of an app: the one its composition root built (runtime/authorization-server.ts). */
export function auditOf(deps: { audit: AuditLog }): AuditLog {
  return deps.audit;
}
