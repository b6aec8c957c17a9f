import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createProber } from './doctor/probe.js';
import { runDoctor } from './doctor/doctor.js';
import { counts, formatReport, reportJson } from './doctor/report.js';
import { colors, wantsColor } from './flow/colors.js';
import type { CliIo } from './context.js';

export const USAGE = `usage: mcp-auth-server doctor <MCP endpoint URL> [--json] [--timeout <seconds>] [--no-register] [--origin <origin>]

Probes an MCP deployment the way real clients do: the 401 challenge, every well-known metadata URL, issuer
matching, PKCE, CORS, dynamic registration of the redirect URIs clients use, response times. Registration
probes create clients named "oauth-mcp doctor probe" (use --no-register to skip them). Exit code 1 on any fail.
`;

/** `oauth-mcp doctor <url>`: 0 when nothing failed (warnings allowed), 1 on a failure, 2 on bad arguments. */
export async function runDoctorCommand(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    io.stderr.write(`mcp-auth-server doctor: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const target = positionals[0];
  if (!target || positionals.length > 1 || !URL.canParse(target) || !/^https?:$/.test(new URL(target).protocol)) {
    io.stderr.write(`mcp-auth-server doctor: give one http(s) URL of an MCP endpoint, e.g. http://127.0.0.1:5001/mcp/v1\n${USAGE}`);
    return 2;
  }
  const timeout = Number(values.timeout ?? 10);
  if (!(timeout > 0)) {
    io.stderr.write('mcp-auth-server doctor: --timeout must be a positive number of seconds\n');
    return 2;
  }
  const origin = values.origin ?? 'http://localhost:6274';
  if (!URL.canParse(origin)) {
    io.stderr.write('mcp-auth-server doctor: --origin must be an origin such as http://localhost:6274\n');
    return 2;
  }
  const prober = createProber({ fetch: globalThis.fetch, timeoutMs: timeout * 1000, now: () => performance.now() });
  const report = await runDoctor({
    prober,
    mcpUrl: target,
    corsOrigin: new URL(origin).origin,
    register: !values['no-register'],
    randomPort: () => randomInt(20000, 60000),
  });
  io.stdout.write(values.json ? reportJson(report) : formatReport(report, colors(wantsColor(io.stdout, env))));
  return counts(report.rows).fail > 0 ? 1 : 0;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      'no-register': { type: 'boolean' },
      origin: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
