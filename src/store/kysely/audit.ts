import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { AuditEventQuery, AuditEventRecord, AuditStore, AuditWrite, FlowRecord } from '../store.js';
import { camelRow, snakeRow, type Row } from './rows.js';

const toEvent = (r: Row<'audit_events'>): AuditEventRecord => ({ ...camelRow(r), outcome: r.outcome as AuditEventRecord['outcome'] });

const eventRow = (e: Omit<AuditEventRecord, 'id'>) => snakeRow(e);

const toFlow = (r: Row<'flows'>): FlowRecord => camelRow(r);

/** Audit events and flows over Kysely (docs/observability.md). */
export function auditStore(db: Kysely<Database>): AuditStore {
  return {
    async insertAuditEvent(e: Omit<AuditEventRecord, 'id'>): Promise<void> {
      await db.insertInto('audit_events').values(eventRow(e)).execute();
    },

    async writeAudit(batch: readonly AuditWrite[]): Promise<void> {
      if (batch.length === 0) return;
      // One update per flow, with what touching it once per event in order would leave: the last activity
      // and expiry, and the first token time (token_at is set only while it is null).
      const flows = new Map<string, { at: number; expiresAt: number; tokenAt?: number }>();
      for (const { flow } of batch) {
        if (!flow) continue;
        const seen = flows.get(flow.flowId);
        const tokenAt = seen?.tokenAt ?? flow.tokenAt;
        flows.set(flow.flowId, { at: flow.at, expiresAt: flow.expiresAt, ...(tokenAt !== undefined && { tokenAt }) });
      }
      await db.transaction().execute(async (trx) => {
        // In chunks of 256, 128, ..., 1 rows: a handful of SQL texts that recur, so SQLite's compiled statements
        // are reused (store/sqlite.ts) instead of one new statement per batch size; 11 values a row keeps each
        // chunk under SQLite's and PostgreSQL's bound-parameter limits.
        for (let i = 0; i < batch.length; ) {
          let size = 256;
          while (size > batch.length - i) size /= 2;
          await trx.insertInto('audit_events').values(batch.slice(i, i + size).map((w) => eventRow(w.event))).execute();
          i += size;
        }
        for (const [flowId, f] of flows) {
          await trx.updateTable('flows').set({ updated_at: f.at, expires_at: f.expiresAt }).where('flow_id', '=', flowId).execute();
          if (f.tokenAt !== undefined) {
            await trx.updateTable('flows').set({ token_at: f.tokenAt }).where('flow_id', '=', flowId).where('token_at', 'is', null).execute();
          }
        }
      });
    },

    async listAuditEvents(q: AuditEventQuery = {}): Promise<AuditEventRecord[]> {
      if (q.flowIds && q.flowIds.length === 0) return [];
      let query = db.selectFrom('audit_events').selectAll();
      if (q.since !== undefined) query = query.where('at', '>=', q.since);
      if (q.clientId !== undefined) query = query.where('client_id', '=', q.clientId);
      if (q.flowIds) query = query.where('flow_id', 'in', [...q.flowIds]);
      // The newest `limit`, handed back in the order they happened.
      const rows = await query.orderBy('id', 'desc').limit(q.limit ?? 1000).execute();
      return rows.reverse().map(toEvent);
    },

    async createFlow(f: FlowRecord): Promise<void> {
      await db
        .insertInto('flows')
        .values(snakeRow(f))
        .execute();
    },

    async getFlow(flowId: string): Promise<FlowRecord | undefined> {
      const r = await db.selectFrom('flows').selectAll().where('flow_id', '=', flowId).executeTakeFirst();
      return r && toFlow(r);
    },

    async latestFlowForClient(clientId: string): Promise<FlowRecord | undefined> {
      // Flow ids sort in creation order (audit/flows.ts), which breaks ties within one second.
      const r = await db
        .selectFrom('flows')
        .selectAll()
        .where('client_id', '=', clientId)
        .orderBy('started_at', 'desc')
        .orderBy('flow_id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r && toFlow(r);
    },

    async touchFlow(flowId: string, at: number, expiresAt: number, marks: { tokenAt?: number } = {}): Promise<void> {
      await db.updateTable('flows').set({ updated_at: at, expires_at: expiresAt }).where('flow_id', '=', flowId).execute();
      if (marks.tokenAt !== undefined) {
        await db.updateTable('flows').set({ token_at: marks.tokenAt }).where('flow_id', '=', flowId).where('token_at', 'is', null).execute();
      }
    },

    async markFlowMcpCall(flowId: string, at: number): Promise<boolean> {
      const r = await db
        .updateTable('flows')
        .set({ mcp_at: at, updated_at: at })
        .where('flow_id', '=', flowId)
        .where('mcp_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async listFlows(q: { limit?: number; since?: number } = {}): Promise<FlowRecord[]> {
      let query = db.selectFrom('flows').selectAll();
      if (q.since !== undefined) query = query.where('updated_at', '>=', q.since);
      const rows = await query.orderBy('updated_at', 'desc').orderBy('flow_id', 'desc').limit(q.limit ?? 50).execute();
      return rows.map(toFlow);
    },
  };
}

/** Audit rows and flows whose retention (30 days after their last activity) has passed. */
export async function purgeExpiredAudit(db: Kysely<Database>, now: number): Promise<number> {
  const [events, flows] = await Promise.all([
    db.deleteFrom('audit_events').where('expires_at', '<', now).executeTakeFirst(),
    db.deleteFrom('flows').where('expires_at', '<', now).executeTakeFirst(),
  ]);
  return Number(events.numDeletedRows) + Number(flows.numDeletedRows);
}
