import { checkAuthorizationServerMetadata, checkMetadataAtMcpOrigin } from './checks/as-metadata.js';
import { checkCapabilities } from './checks/capabilities.js';
import { checkChallenge } from './checks/challenge.js';
import { checkCors } from './checks/cors.js';
import { checkRegistration } from './checks/registration.js';
import { checkResourceMetadata } from './checks/resource-metadata.js';
import { checkTiming } from './checks/timing.js';
import { checkTokenEndpoint } from './checks/token-endpoint.js';
import type { DoctorContext, Findings } from './context.js';
import type { DoctorReport, Row } from './report.js';

type Check = (ctx: DoctorContext, found: Findings) => Promise<Row[]>;

/** In the order a client meets them: challenge, discovery, capabilities, CORS, registration, token; then timing. */
const CHECKS: Check[] = [
  checkChallenge,
  checkResourceMetadata,
  checkAuthorizationServerMetadata,
  checkMetadataAtMcpOrigin,
  checkCapabilities,
  checkCors,
  checkRegistration,
  checkTokenEndpoint,
  checkTiming,
];

/**
 * Examines an MCP deployment the way real clients approach it (interop notes) and returns one row per rule
 * checked. Later checks build on what earlier ones found; a check with nothing to work on adds no rows or a skip.
 */
export async function runDoctor(ctx: DoctorContext): Promise<DoctorReport> {
  const found: Findings = { registeredClients: [] };
  const rows: Row[] = [];
  for (const check of CHECKS) rows.push(...(await check(ctx, found)));
  const endpoint = found.as?.doc.registration_endpoint;
  return {
    target: ctx.mcpUrl,
    rows,
    registeredClients: found.registeredClients,
    ...(typeof endpoint === 'string' && { registrationEndpoint: endpoint }),
  };
}
