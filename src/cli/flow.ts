import { parseArgs } from 'node:util';
import { wantsColor } from './flow/colors.js';
import { runFlow } from './flow/flow.js';
import { mcpEndpoint, serverBase, type FlowState } from './flow/state.js';
import { loadCliConfig, type CliIo } from './context.js';

export const USAGE = `usage: mcp-auth-server flow [--mcp <url>] [--issuer <url>] [--timeout <seconds>]

Walks through the original demo's 13 steps against running servers (npm start), printing each request and
response. URLs default to the configuration (MCP_SERVER_URL, OAUTH_ISSUER).
`;

/** `oauth-mcp flow`: exit code 0 when every step passed, 1 when one failed, 2 on bad arguments. */
export async function runFlowCommand(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: { mcp?: string; issuer?: string; timeout?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { mcp: { type: 'string' }, issuer: { type: 'string' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    io.stderr.write(`mcp-auth-server flow: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const timeout = Number(values.timeout ?? 10);
  for (const [flag, v] of [['--mcp', values.mcp], ['--issuer', values.issuer]] as const) {
    if (v !== undefined && !URL.canParse(v)) {
      io.stderr.write(`mcp-auth-server flow: ${flag} must be an absolute URL\n`);
      return 2;
    }
  }
  if (!(timeout > 0)) {
    io.stderr.write('mcp-auth-server flow: --timeout must be a positive number of seconds\n');
    return 2;
  }
  const config = loadCliConfig(io, env);
  const mcpUrl = mcpEndpoint(values.mcp ?? config.mcpServer.url);
  // With only --mcp the user points at some server: trust its discovery rather than the local configuration.
  const expectedIssuer = values.issuer?.replace(/\/+$/, '') ?? (values.mcp ? undefined : config.authServer.issuer);
  const state: FlowState = {
    mcpUrl,
    apiBase: serverBase(mcpUrl),
    expectedIssuer,
    demoClient: { id: config.demo.clientId, secret: config.demo.clientSecret },
  };
  const results = await runFlow(state, {
    http: { fetch: globalThis.fetch, timeoutMs: timeout * 1000, now: () => performance.now() },
    write: (text) => void io.stdout.write(text),
    color: wantsColor(io.stdout, env),
  });
  return results.every((r) => r.status === 'pass') ? 0 : 1;
}
