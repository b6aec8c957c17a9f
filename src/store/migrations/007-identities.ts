import type { Kysely, Migration } from 'kysely';

/**
 * Upstream identity providers (docs/identity.md): which person each (issuer, subject) pair signs in as, and the
 * optional token vault, one row per person and provider with the provider's tokens encrypted (AES-256-GCM under a
 * key derived from SECRET_KEY).
 */
export function identities(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<any>) {
      const time = dialect === 'postgres' ? 'bigint' : 'integer';
      await db.schema
        .createTable('identities')
        .addColumn('issuer', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('last_login_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('identities_pk', ['issuer', 'subject'])
        .execute();
      await db.schema.createIndex('identities_user').on('identities').column('user_id').execute();
      await db.schema
        .createTable('upstream_tokens')
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('access_token', 'text', (c) => c.notNull())
        .addColumn('refresh_token', 'text')
        .addColumn('scope', 'text')
        .addColumn('expires_at', time)
        .addColumn('updated_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('upstream_tokens_pk', ['user_id', 'provider'])
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['upstream_tokens', 'identities']) await db.schema.dropTable(t).ifExists().execute();
    },
  };
}
