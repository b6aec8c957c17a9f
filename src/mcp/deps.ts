import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { DataService } from '../data/data-service.js';
import type { Logger } from '../log/logger.js';
import type { TokenVerifier } from '../resource-server/types.js';

/** What the MCP server (MCP endpoint, resource API, protected resource metadata) is built from. */
export interface McpServerDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  /** Verifies bearer tokens against the issuer's JWKS; the MCP side never reads authorization-server tables. */
  verifier: TokenVerifier;
  data: DataService;
  /** Accept DPoP-bound tokens (RFC 9449 §7) on the MCP endpoint and the API; set by the runtime. */
  dpop?: import('../resource-server/dpop.js').ResourceDpop;
  /** For calls to the authorization server (server-managed mode); defaults to the global fetch. */
  fetch?: typeof fetch;
}
