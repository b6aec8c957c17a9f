import { openStore } from '../store/open-store.js';
import type { ClientRecord, Store } from '../store/store.js';
import { addClient, ADMIN_USAGE, makeInitialAccessToken, runAdmin } from './clients-admin.js';
import { loadCliConfig, type CliIo } from './context.js';

export const USAGE = `usage: mcp-auth-server clients <command>

  list                 every registered client: id, name, auth method, redirect URIs, last used
  show <client_id>     one client's registered metadata
  remove <client_id>   delete a client; its refresh tokens stop working at once
  introspect <client_id>
                       let an existing confidential client call /oauth/introspect (a resource server, RFC 7662 §2.1)
${ADMIN_USAGE}`;

const when = (t: number | null) => (t === null ? 'never' : new Date(t * 1000).toISOString());

function line(c: ClientRecord): string {
  const name = c.clientName ?? '(no name)';
  return `${c.clientId}  ${name}  ${c.tokenEndpointAuthMethod}  ${c.redirectUris.join(' ') || '-'}  last used ${when(c.lastUsedAt)}\n`;
}

/** Deleting a client revokes its grants first, so its refresh tokens (and, within 5 s, access tokens) stop working. */
async function removeClient(store: Store, clientId: string, now: number): Promise<boolean> {
  for (const g of await store.listGrantsForClient(clientId)) {
    if (g.revokedAt === null) await store.revokeGrant(g.id, now);
  }
  return store.deleteClient(clientId);
}

/** `mcp-auth-server clients list|show|remove|add|token`: what dynamic registration has put in the store, and what only an administrator makes. */
export async function runClientsCommand(args: string[], io: CliIo, now = () => Math.floor(Date.now() / 1000)): Promise<number> {
  const [command, clientId] = args;
  if (command === 'add' || command === 'token') {
    const config = loadCliConfig(io);
    const store = await openStore(config.databaseUrl);
    try {
      const run = command === 'add' ? addClient : makeInitialAccessToken;
      return await runAdmin(() => run(store, args.slice(1), io, now()), io);
    } finally {
      await store.close();
    }
  }
  if (!command || !['list', 'show', 'remove', 'introspect'].includes(command) || (command !== 'list' && !clientId)) {
    io.stderr.write(USAGE);
    return 2;
  }
  const config = loadCliConfig(io);
  const store = await openStore(config.databaseUrl);
  try {
    if (command === 'list') {
      const clients = await store.listClients();
      if (args.includes('--json')) {
        const shown = clients.map(({ clientSecretHash: _hidden, ...c }) => ({ ...c, createdAt: when(c.createdAt), lastUsedAt: when(c.lastUsedAt) }));
        io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
        return 0;
      }
      for (const c of clients) io.stdout.write(line(c));
      io.stdout.write(`${clients.length} client(s)\n`);
      return 0;
    }
    const client = await store.getClient(clientId!);
    if (!client) {
      io.stderr.write(`mcp-auth-server: no client ${clientId}\n`);
      return 1;
    }
    if (command === 'show') {
      const { clientSecretHash: _hidden, ...shown } = client;
      const mayIntrospect = await store.isResourceServer(client.clientId);
      io.stdout.write(`${JSON.stringify({ ...shown, createdAt: when(client.createdAt), lastUsedAt: when(client.lastUsedAt), mayIntrospect }, null, 2)}\n`);
      return 0;
    }
    if (command === 'introspect') {
      // RFC 7662 §2.1: the caller must authenticate, so a public client can never be a resource server here.
      if (client.tokenEndpointAuthMethod === 'none') {
        io.stderr.write(`oauth-mcp: client ${client.clientId} is public (no secret); only confidential clients may introspect\n`);
        return 1;
      }
      await store.designateResourceServer(client.clientId, now());
      io.stdout.write(`client ${client.clientId} may now call /oauth/introspect\n`);
      return 0;
    }
    await removeClient(store, client.clientId, now());
    io.stdout.write(`removed client ${client.clientId}; its grants are revoked\n`);
    return 0;
  } finally {
    await store.close();
  }
}
