import { readFileSync } from 'node:fs';
import type { CliIo } from './context.js';
import { takesJson, usageOf } from './usage.js';

const USAGE = `usage: mcp-auth-server <command>

  start [--only auth|mcp]   start the authorization server (:5000) and the MCP server (:5001)
  migrate                   apply database migrations and exit
  keys list|rotate|reset    show, rotate or (SECRET_KEY lost) reset the token signing keys
  backup <file>             copy the database while it runs (SQLite; PostgreSQL: says what to run)
  restore <file> --yes      put a backup back (servers stopped)
  clients list|show|remove|introspect|add|token
                            registered OAuth clients; add one as an administrator; initial access tokens
  users add|list|remove|passwd
                            manage who can sign in (DEMO_MODE=false); passwords from a prompt or stdin
  flow [--mcp <url>]        walk through the 13-step OAuth flow against the running servers
  doctor <MCP URL> [--json] probe any MCP deployment the way real clients do (registers test clients)
  audit [--since 1h] [--client <id>] [--json]
                            list audit events: sign-ins, consents, tokens, refusals with their rule
  gateway --stdio "<command line>" | --http <url> | --config <file>
                            OAuth in front of any MCP server (docs/gateway.md)

  <command> --help          what a command does, without doing it
  --version                 the version of mcp-auth-server
`;

/** package.json's version: two folders up from src/cli/ and from the bundle's dist/<build>/ alike. */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/**
 * The `oauth-mcp` command. Returns the exit code; `start` resolves only when the servers have stopped.
 * Each command is imported when it runs, so a command does not run the modules of the others: in the bundle they run
 * on the import() only. bin/oauth-mcp.js runs `start` from a bundle without this function (src/cli/start-bin.ts)
 * unless its arguments ask for the help or --json answered here (cold start, BENCHMARKS.md scenario 6).
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === '--version' || command === '-V' || command === 'version') {
    io.stdout.write(`mcp-auth-server ${version()}\n`);
    return 0;
  }
  const usage = command === undefined ? undefined : await usageOf(command);
  if (usage !== undefined && (args.includes('--help') || args.includes('-h') || args[0] === 'help')) {
    io.stdout.write(usage);
    return 0;
  }
  if (usage !== undefined && args.includes('--json') && !takesJson(command!, args[0])) {
    io.stderr.write(`mcp-auth-server: ${[command, args[0]].filter((a) => a && !a.startsWith('-')).join(' ')} has no --json output\n`);
    return 2;
  }
  switch (command) {
    case 'start':
      return (await import('./start.js')).runStartCommand(args, io);
    case 'migrate':
      return (await import('./migrate.js')).runMigrateCommand(io);
    case 'backup':
      return (await import('./backup.js')).runBackupCommand(args, io);
    case 'restore':
      return (await import('./backup.js')).runRestoreCommand(args, io);
    case 'keys':
      return (await import('./keys.js')).runKeysCommand(args, io);
    case 'clients':
      return (await import('./clients.js')).runClientsCommand(args, io);
    case 'users':
      return (await import('./users.js')).runUsersCommand(args, io);
    case 'flow':
      return (await import('./flow.js')).runFlowCommand(args, io);
    case 'doctor':
      return (await import('./doctor.js')).runDoctorCommand(args, io);
    case 'audit':
      return (await import('./audit.js')).runAuditCommand(args, io);
    case 'gateway':
      return (await import('./gateway.js')).runGatewayCommand(args, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.stderr.write(`mcp-auth-server: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}
