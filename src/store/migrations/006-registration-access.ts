import type { Kysely, Migration } from 'kysely';

/**
 * Who may register and who may introspect (docs/security.md, "Access without a person"): RFC 7591 §3 initial
 * access tokens an administrator makes (`mcp-auth-server clients token`), stored as their SHA-256, single use; and the
 * clients an administrator designated as resource servers, the only ones introspection answers (RFC 7662 §2.1).
 */
export function registrationAccess(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<any>) {
      const time = dialect === 'postgres' ? 'bigint' : 'integer';
      await db.schema
        .createTable('initial_access_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('note', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('expires_at', time, (c) => c.notNull())
        .addColumn('used_at', time)
        .execute();
      await db.schema
        .createTable('resource_server_clients')
        .addColumn('client_id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['resource_server_clients', 'initial_access_tokens']) await db.schema.dropTable(t).ifExists().execute();
    },
  };
}
