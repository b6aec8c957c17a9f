import { type Kysely, type Migration } from 'kysely';

/**
 * The login and consent pages (docs/security.md): browser sessions, pending authorization requests waiting for a
 * person, and remembered consents. Session and interaction ids are stored as SHA-256 hashes only.
 */
export function web(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<any>) {
      const time = dialect === 'postgres' ? 'bigint' : 'integer';
      await db.schema
        .createTable('web_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('expires_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('web_sessions_user').on('web_sessions').column('user_id').execute();
      await db.schema
        .createTable('web_interactions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('expires_at', time, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('consents')
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('consents_pk', ['subject', 'client_id', 'resource'])
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['consents', 'web_interactions', 'web_sessions']) await db.schema.dropTable(t).ifExists().execute();
    },
  };
}
