import { runClientsCommand } from './clients.js';
import { runAuditCommand } from './audit.js';
import { runDoctorCommand } from './doctor.js';
import { runFlowCommand } from './flow.js';
import { runKeysCommand } from './keys.js';
import { runMigrateCommand } from './migrate.js';
import { runStartCommand } from './start.js';
import { runUsersCommand } from './users.js';
import type { CliIo } from './context.js';

const USAGE = `usage: oauth-mcp <command>

  start [--only auth|mcp]   start the authorization server (:5000) and the MCP server (:5001)
  migrate                   apply database migrations and exit
  keys list|rotate          show or rotate the token signing keys
  clients list|show|remove  registered OAuth clients
  users add|list|remove|passwd
                            manage who can sign in (DEMO_MODE=false); passwords from a prompt or stdin
  flow [--mcp <url>]        walk through the 13-step OAuth flow against the running servers
  doctor <MCP URL> [--json] probe any MCP deployment the way real clients do (registers test clients)
  audit [--since 1h] [--client <id>] [--json]
                            list audit events: sign-ins, consents, tokens, refusals with their rule
`;

/** The `oauth-mcp` command. Returns the exit code; `start` resolves only when the servers have stopped. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'start':
      return runStartCommand(args, io);
    case 'migrate':
      return runMigrateCommand(io);
    case 'keys':
      return runKeysCommand(args, io);
    case 'clients':
      return runClientsCommand(args, io);
    case 'users':
      return runUsersCommand(args, io);
    case 'flow':
      return runFlowCommand(args, io);
    case 'doctor':
      return runDoctorCommand(args, io);
    case 'audit':
      return runAuditCommand(args, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.stderr.write(`oauth-mcp: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}
