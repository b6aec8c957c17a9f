import { sql, type Insertable, type Kysely } from 'kysely';
import type { BoundStatement, DirectStatements } from '../direct.js';
import type { Database } from '../schema.js';
import type { AuditEventQuery, AuditEventRecord, AuditStore, AuditWrite, FlowRecord } from '../store.js';
import { precompiled, precompiledInsert, type Precompiled } from './compiled.js';
import { directSend } from './direct-send.js';
import { camelRow, snakeRow, type Row } from './rows.js';

const toEvent = (r: Row<'audit_events'>): AuditEventRecord => ({ ...camelRow(r), outcome: r.outcome as AuditEventRecord['outcome'] });

const eventRow = (e: Omit<AuditEventRecord, 'id'>) => snakeRow(e);

const toFlow = (r: Row<'flows'>): FlowRecord => camelRow(r);

const FLOW_COLUMNS = ['flow_id', 'client_id', 'started_at', 'updated_at', 'token_at', 'mcp_at', 'expires_at'] as const;

/** A flow's column values in FLOW_COLUMNS order: the arguments of the precompiled insert below. */
const flowValues = (f: FlowRecord): unknown[] => [f.flowId, f.clientId, f.startedAt, f.updatedAt, f.tokenAt, f.mcpAt, f.expiresAt];

const EVENT_COLUMNS = ['at', 'type', 'outcome', 'client_id', 'subject', 'flow_id', 'rule', 'error', 'detail', 'request_id', 'expires_at'] as const;

/** An event's column values in EVENT_COLUMNS order: the arguments of the precompiled inserts below. */
const eventValues = (e: Omit<AuditEventRecord, 'id'>): unknown[] => [
  e.at,
  e.type,
  e.outcome,
  e.clientId ?? null,
  e.subject ?? null,
  e.flowId ?? null,
  e.rule ?? null,
  e.error ?? null,
  e.detail ?? null,
  e.requestId ?? null,
  e.expiresAt,
];

/** SQLite: rows per INSERT, 256, 128, ..., 1 (11 values a row keeps each under SQLite's parameter limit). */
const CHUNKS = [256, 128, 64, 32, 16, 8, 4, 2, 1] as const;

/**
 * Audit events and flows over Kysely (docs/observability.md). The write-behind batch (writeAudit) runs
 * statements compiled once (compiled.ts): building and compiling a 256-row INSERT through Kysely on every batch
 * cost a token request more than SQLite storing its row (bench/HISTORY.md, round 2). On SQLite the batch is one
 * transaction of the direct runner (direct.ts), run at once as Kysely's was: a flush does not wait for the event
 * loop's next turn (a caller looping on microtasks alone must still see its batches written).
 */
export function auditStore(db: Kysely<Database>, direct: DirectStatements): AuditStore {
  const send = directSend(direct);
  // Every authorization starts a flow: its insert goes past Kysely and, on SQLite, shares its turn's commit.
  const insertFlow = precompiledInsert(db, 'flows', FLOW_COLUMNS);
  const inserts = new Map<number, Precompiled<unknown>>(
    CHUNKS.map((rows) => [
      rows,
      precompiled((slot) =>
        db
          .insertInto('audit_events')
          .values(Array.from({ length: rows }, (_, r) => Object.fromEntries(EVENT_COLUMNS.map((c, i) => [c, slot(r * EVENT_COLUMNS.length + i)])) as Insertable<Database['audit_events']>))
          .compile(),
      ),
    ]),
  );
  const touchFlow = precompiled((slot) => db.updateTable('flows').set({ updated_at: slot<number>(1), expires_at: slot<number>(2) }).where('flow_id', '=', slot<string>(0)).compile());
  const markFlowToken = precompiled((slot) => db.updateTable('flows').set({ token_at: slot<number>(1) }).where('flow_id', '=', slot<string>(0)).where('token_at', 'is', null).compile());

  /**
   * PostgreSQL: a batch's events in one INSERT over one array per column, whatever the batch's size. The chunked
   * VALUES lists below cost PostgreSQL a parse and plan of up to 2,816 parameters per chunk: per row about twice
   * the server's CPU of this statement and twice the driver's (bench/HISTORY.md, round 2, fifth pass: the audit
   * batch on PostgreSQL). WITH ORDINALITY and the ORDER BY keep the ids in the order the events happened.
   */
  const insertEventArrays = precompiled((slot) => {
    const columns = sql.join(EVENT_COLUMNS.map((c) => sql.ref(c)));
    const arrays = sql.join(EVENT_COLUMNS.map((c, i) => sql`${slot(i)}::${sql.raw(c === 'at' || c === 'expires_at' ? 'bigint' : 'text')}[]`));
    return sql`INSERT INTO audit_events (${columns}) SELECT ${columns} FROM unnest(${arrays}) WITH ORDINALITY AS e(${columns}, n) ORDER BY n`.compile(db);
  });

  /** SQLite: the batch's events as chunked INSERTs of EVENT_COLUMNS rows. */
  const eventChunks = (batch: readonly AuditWrite[]): Array<[Precompiled<unknown>, unknown[]]> => {
    const out: Array<[Precompiled<unknown>, unknown[]]> = [];
    for (let i = 0; i < batch.length; ) {
      const rows = CHUNKS.find((n) => n <= batch.length - i)!;
      const args: unknown[] = [];
      for (let r = i; r < i + rows; r++) args.push(...eventValues(batch[r]!.event));
      out.push([inserts.get(rows)!, args]);
      i += rows;
    }
    return out;
  };

  /** PostgreSQL: the batch's events as one array per column, in EVENT_COLUMNS order (insertEventArrays). */
  const eventArrays = (batch: readonly AuditWrite[]): unknown[][] => {
    const rows = batch.map((w) => eventValues(w.event));
    return EVENT_COLUMNS.map((_, column) => rows.map((row) => row[column]));
  };

  /** One update per flow of the batch (and its first token time), after its events. */
  const flowStatements = (batch: readonly AuditWrite[]): Array<[Precompiled<unknown>, unknown[]]> => {
    // One update per flow, with what touching it once per event in order would leave: the last activity
    // and expiry, and the first token time (token_at is set only while it is null).
    const flows = new Map<string, { at: number; expiresAt: number; tokenAt?: number }>();
    for (const { flow } of batch) {
      if (!flow) continue;
      const seen = flows.get(flow.flowId);
      const tokenAt = seen?.tokenAt ?? flow.tokenAt;
      flows.set(flow.flowId, { at: flow.at, expiresAt: flow.expiresAt, ...(tokenAt !== undefined && { tokenAt }) });
    }
    const out: Array<[Precompiled<unknown>, unknown[]]> = [];
    for (const [flowId, f] of flows) {
      out.push([touchFlow, [flowId, f.at, f.expiresAt]]);
      if (f.tokenAt !== undefined) out.push([markFlowToken, [flowId, f.tokenAt]]);
    }
    return out;
  };

  return {
    async insertAuditEvent(e: Omit<AuditEventRecord, 'id'>): Promise<void> {
      await db.insertInto('audit_events').values(eventRow(e)).execute();
    },

    async writeAudit(batch: readonly AuditWrite[]): Promise<void> {
      if (batch.length === 0) return;
      if (direct.dialect === 'sqlite') {
        const bound: BoundStatement[] = [...eventChunks(batch), ...flowStatements(batch)].map(([statement, args]) => statement.bind(args));
        await direct.transactionNow((run) => {
          for (const statement of bound) run(statement);
        });
        return;
      }
      const flows = flowStatements(batch);
      await db.transaction().execute(async (trx) => {
        await insertEventArrays(trx, eventArrays(batch));
        for (const [statement, args] of flows) await statement(trx, args);
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
