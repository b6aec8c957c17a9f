/** The help of each command, printed by `mcp-auth-server <command> --help` without running anything. */

const START = `usage: mcp-auth-server start [--only auth|mcp]

Opens the database (applying migrations), then starts the authorization server (OAUTH_SERVER_HOST:PORT, default
127.0.0.1:5000) and the MCP server (MCP_SERVER_HOST:PORT, default 127.0.0.1:5001), or only one of them.
SIGINT or SIGTERM stops both: in-flight requests finish, then the database is closed. Start refuses some
configurations that would be unsafe in production (docs/deploy.md, "Refusals at start").
`;

const MIGRATE = `usage: mcp-auth-server migrate

Applies pending database migrations to DATABASE_URL and exits (start does the same on its own).
`;

const KEYS = `usage: mcp-auth-server keys <command>

  list [--json]   the token signing keys: id, algorithm, created, active or retired
  rotate          add a new signing key; the old one stays published until its tokens expire
  reset --yes     when SECRET_KEY was lost or changed: delete every signing key, make a new one and revoke every
                  grant; every token issued so far stops working
`;

const BACKUP = `usage: mcp-auth-server backup <file>

SQLite: writes a consistent copy of the database to <file> while the servers keep running (SQLite online
backup). PostgreSQL: prints the pg_dump command to run. Keep SECRET_KEY with the backup: the signing keys in it
are encrypted under it (docs/deploy.md, "Backup and restore").
`;

const RESTORE = `usage: mcp-auth-server restore <file> --yes

SQLite: replaces the database with the backup <file> (stop the servers first). PostgreSQL: prints the
pg_restore command to run. Start with the SECRET_KEY the backup was made with.
`;

const GATEWAY = `usage: mcp-auth-server gateway --stdio "<command line>" [--shared] | --http <url> | --config <file>

Serves the authorization server and, in front of one or more upstream MCP servers, the MCP endpoint of every
transport era (default http://127.0.0.1:5001/mcp). --stdio starts one process per user (--shared: one for all),
--http forwards to a Streamable HTTP (or legacy SSE) server, --config mounts several upstreams each at its own
path and resource. The usual environment applies (DEMO_MODE, OAUTH_ISSUER, ...). See docs/gateway.md.
`;

const OWN: Record<string, string> = { start: START, migrate: MIGRATE, keys: KEYS, backup: BACKUP, restore: RESTORE, gateway: GATEWAY };

/** The usage text of `command`, or undefined for an unknown command. */
export async function usageOf(command: string): Promise<string | undefined> {
  if (OWN[command]) return OWN[command];
  switch (command) {
    case 'clients':
      return (await import('./clients.js')).USAGE;
    case 'users':
      return (await import('./users.js')).USAGE;
    case 'flow':
      return (await import('./flow.js')).USAGE;
    case 'doctor':
      return (await import('./doctor.js')).USAGE;
    case 'audit':
      return (await import('./audit.js')).USAGE;
    default:
      return undefined;
  }
}

/** The commands that print a listing, and so take --json; any other command refuses it. */
export function takesJson(command: string, sub: string | undefined): boolean {
  if (command === 'audit' || command === 'doctor') return true;
  if (command === 'keys' || command === 'users') return sub === 'list' || sub === undefined || sub === '--json';
  if (command === 'clients') return sub === 'list' || sub === 'show';
  return false;
}
