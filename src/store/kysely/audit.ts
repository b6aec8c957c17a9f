import { CompiledQuery, type Insertable, type Kysely } from 'kysely';
import type { DirectStatements } from '../direct.js';
import type { Database } from '../schema.js';
import type { AuditEventQuery, AuditEventRecord, AuditStore, AuditWrite, FlowRecord } from '../store.js';
import { precompiled } from './compiled.js';
import { directSend } from './direct-send.js';
import { camelRow, snakeRow, type Row } from './rows.js';

const toEvent = (r: Row<'audit_events'>): AuditEventRecord => ({ ...camelRow(r), outcome: r.outcome as AuditEventRecord['outcome'] });

const eventRow = (e: Omit<AuditEventRecord, 'id'>) => snakeRow(e);

const toFlow = (r: Row<'flows'>): FlowRecord => camelRow(r);

const FLOW_COLUMNS = ['flow_id', 'client_id', 'started_at', 'updated_at', 'token_at', 'mcp_at', 'expires_at'] as const;

/** A flow's column values in FLOW_COLUMNS order: the arguments of the precompiled insert below. */
const flowValues = (f: FlowRecord): unknown[] => [f.flowId, f.clientId, f.startedAt, f.updatedAt, f.tokenAt, f.mcpAt, f.expiresAt];

/**
 * Audit events and flows over Kysely (docs/observability.md). Every authorization starts a flow and every
 * exchange moves one, so those statements are compiled once (compiled.ts) and sent past Kysely (direct.ts); on
 * SQLite a flow's insert and an audit batch share their commits with the other transactions of their turn.
 */
export function auditStore(db: Kysely<Database>, direct: DirectStatements): AuditStore {
  const send = directSend(direct);
  const insertFlow = precompiled((slot) =>
    db
      .insertInto('flows')
      .values(Object.fromEntries(FLOW_COLUMNS.map((c, i) => [c, slot(i)])) as Insertable<Database['flows']>)
      .compile(),
  );
  const moveFlow = precompiled((slot) =>
    db.updateTable('flows').set({ updated_at: slot<number>(1), expires_at: slot<number>(2) }).where('flow_id', '=', slot<string>(0)).compile(),
  );
  const markFlowToken = precompiled((slot) =>
    db.updateTable('flows').set({ token_at: slot<number>(1) }).where('flow_id', '=', slot<string>(0)).where('token_at', 'is', null).compile(),
  );
  /** A batch's statements in order: its events (multi-row inserts of 256, 128, ... rows) and its flows' moves. */
  const auditStatements = (batch: readonly AuditWrite[]) => {
    const flows = new Map<string, { at: number; expiresAt: number; tokenAt?: number }>();
    for (const { flow } of batch) {
      if (!flow) continue;
      const seen = flows.get(flow.flowId);
      const tokenAt = seen?.tokenAt ?? flow.tokenAt;
      flows.set(flow.flowId, { at: flow.at, expiresAt: flow.expiresAt, ...(tokenAt !== undefined && { tokenAt }) });
    }
    const statements: { sql: string; parameters: unknown[] }[] = [];
    for (let i = 0; i < batch.length; ) {
      let size = 256;
      while (size > batch.length - i) size /= 2;
      const { sql, parameters } = db.insertInto('audit_events').values(batch.slice(i, i + size).map((w) => eventRow(w.event))).compile();
      statements.push({ sql, parameters: [...parameters] });
      i += size;
    }
    for (const [flowId, f] of flows) {
      statements.push(moveFlow.bind([flowId, f.at, f.expiresAt]));
      if (f.tokenAt !== undefined) statements.push(markFlowToken.bind([flowId, f.tokenAt]));
    }
    return statements;
  };

  return {
    async insertAuditEvent(e: Omit<AuditEventRecord, 'id'>): Promise<void> {
      await db.insertInto('audit_events').values(eventRow(e)).execute();
    },

    async writeAudit(batch: readonly AuditWrite[]): Promise<void> {
      if (batch.length === 0) return;
      const statements = auditStatements(batch);
      if (direct.dialect === 'sqlite') {
        await direct.transaction((run) => statements.forEach((statement) => run(statement)));
        return;
      }
      // PostgreSQL: one transaction on one pooled connection (the direct runner has none).
      await db.transaction().execute(async (trx) => {
        for (const { sql, parameters } of statements) await trx.executeQuery(CompiledQuery.raw(sql, parameters));
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
      await send.write('flow_insert', insertFlow, flowValues(f));
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
