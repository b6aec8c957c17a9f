import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import { AuditLog } from './audit.js';
import type { Metrics } from './metrics.js';

/**
 * The audit trail of an app: the one on its deps, created on first use so that every app built from deps
 * (tests included) records into its store, as clients.ts does for the metadata-document cache.
 */
export function auditOf(deps: { store: Store; clock: Clock; logger: Logger; audit?: AuditLog | undefined; metrics?: Metrics | undefined }): AuditLog {
  return (deps.audit ??= new AuditLog({ store: deps.store, clock: deps.clock, logger: deps.logger, metrics: deps.metrics }));
}
