import { type Kysely, type Migration } from 'kysely';

/**
 * Observability (docs/observability.md): the audit trail of security decisions, and the flows that group one client's steps
 * from registration to its first MCP call. Neither table holds a secret: events carry ids, outcomes and the
 * rule that refused a request, never a code, token, verifier or password.
 */
export function audit(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<any>) {
      const time = dialect === 'postgres' ? 'bigint' : 'integer';
      await db.schema
        .createTable('audit_events')
        // bigserial on PostgreSQL (int8, read back as a number by postgres.ts); a rowid alias on SQLite.
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', time, (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text')
        .addColumn('subject', 'text')
        .addColumn('flow_id', 'text')
        .addColumn('rule', 'text')
        .addColumn('error', 'text')
        .addColumn('detail', 'text')
        .addColumn('request_id', 'text')
        .addColumn('expires_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();
      await db.schema.createIndex('audit_events_client').on('audit_events').columns(['client_id', 'id']).execute();
      await db.schema.createIndex('audit_events_flow').on('audit_events').columns(['flow_id', 'id']).execute();
      await db.schema
        .createTable('flows')
        .addColumn('flow_id', 'text', (c) => c.primaryKey())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('started_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addColumn('token_at', time)
        .addColumn('mcp_at', time)
        .addColumn('expires_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('flows_client').on('flows').columns(['client_id', 'started_at']).execute();
      await db.schema.createIndex('flows_updated').on('flows').column('updated_at').execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['flows', 'audit_events']) await db.schema.dropTable(t).ifExists().execute();
    },
  };
}
