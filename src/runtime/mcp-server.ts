import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import { DataService } from '../data/data-service.js';
import type { Logger } from '../log/logger.js';
import { createMcpServerApp } from '../mcp/app.js';
import type { McpServerDeps } from '../mcp/deps.js';
import { createMcpRuntime } from '../mcp/runtime.js';
import type { AuditLog } from '../observability/audit.js';
import { observeMcpServer } from '../observability/wire.js';
import { verifierForServer } from '../resource-server/jwt-verifier.js';
import { revocationCheck } from '../resource-server/revocation-check.js';
import type { Store } from '../store/store.js';

/**
 * Builds the MCP server from configuration. Tokens are verified locally against the issuer's JWKS; the only
 * store reads on the auth path are the revocation checks (cached for 5 s), and the data items.
 */
export async function buildMcpServer(config: Config, base: { store: Store; logger: Logger; clock: Clock }) {
  const isRevoked = revocationCheck(base.store);
  const verifier = verifierForServer(config, base.clock, { isRevoked });
  const deps: McpServerDeps = { config, clock: base.clock, logger: base.logger, verifier, data: new DataService(base.store, base.clock, config.dataQuota) };
  const runtime = createMcpRuntime(deps);
  let audit: AuditLog | undefined;
  // Request ids, logs, /metrics, /ready and the first-MCP-call step of each client's flow (docs/observability.md).
  const app = observeMcpServer(createMcpServerApp(deps, runtime), {
    ...base,
    sessions: () => ({ streamable: runtime.sessions.size, sse: runtime.sse.size }),
    keysReady: () => verifier.ready(),
    onAudit: (a) => (audit = a),
    metricsToken: config.metricsToken,
  });
  // Closing writes the audit events still queued (observability/audit-queue.ts).
  return { app, deps, close: async () => void (await Promise.all([runtime.close(), audit?.flush()])) };
}
