import type { Kysely, Migration } from 'kysely';

/**
 * The flow (docs/observability.md) of the authorization that created each grant, so the grant's tokens, refreshes and first MCP
 * call are told apart from other people's flows of the same client (a Client ID Metadata Document or the demo
 * client is shared by everyone who uses it). Null for grants made before this migration and for the demo code.
 */
export function grantFlows(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('grants').addColumn('flow_id', 'text').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('grants').dropColumn('flow_id').execute();
    },
  };
}
