import type { Prober } from './probe.js';
import type { DoctorReport } from './report.js';

/** What every check gets: the prober, the target, and options. */
export interface DoctorContext {
  prober: Prober;
  /** The MCP endpoint under examination, e.g. https://example.com/mcp. */
  mcpUrl: string;
  /** The Origin sent in CORS probes: the MCP Inspector's, a real browser-based client. */
  corsOrigin: string;
  /** Whether the registration probes may register clients (a side effect). */
  register: boolean;
  /** A random port source for loopback redirect URIs. */
  randomPort: () => number;
}

/** What earlier checks found and later ones build on. */
export interface Findings {
  resourceMetadataUrl?: string;
  prm?: { url: string; doc: Record<string, unknown> };
  issuer?: string;
  as?: { url: string; doc: Record<string, unknown> };
  registeredClients: DoctorReport['registeredClients'];
  probeClientId?: string;
}

export const PROBE_CLIENT_NAME = 'oauth-mcp doctor probe';
