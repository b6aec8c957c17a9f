import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from '../schema.js';

/** Where the i-th argument of a precompiled statement goes; typed as the value it stands for. */
export type Slot = <T>(i: number) => T;

/** What an argument's placeholder is while the query is built: an object no real value can equal. */
class Placeholder {
  constructor(readonly index: number) {}
}

/** A precompiled statement: run it through Kysely, or bind it for a driver (store/direct.ts). */
export interface Precompiled<R> {
  (db: Kysely<Database>, args: readonly unknown[]): Promise<QueryResult<R>>;
  /** The SQL text and the parameters for `args`, in the order the SQL binds them. */
  bind(args: readonly unknown[]): { sql: string; parameters: unknown[] };
}

/**
 * A statement Kysely builds and compiles once, then runs with new values. Kysely otherwise rebuilds the query
 * tree, freezes it and compiles its SQL on every call, which for a one-row statement on SQLite costs more than
 * SQLite running it (BENCHMARKS.md, scenario 4: a third of a refresh's CPU). `build` writes and compiles the query
 * with `slot(i)` where the i-th argument goes; a constant written in the query stays as it is. The SQL and the
 * argument positions are fixed at the first call. Safe because the store uses no Kysely plugins (a plugin could
 * rewrite a query differently per call).
 */
export function precompiled<R>(build: (slot: Slot) => CompiledQuery<R>): Precompiled<R> {
  let compiled: CompiledQuery<R> | undefined;
  let positions: number[] = [];
  const bound = (args: readonly unknown[]) => {
    if (!compiled) {
      compiled = build((i) => new Placeholder(i) as never);
      positions = compiled.parameters.map((p) => (p instanceof Placeholder ? p.index : -1));
    }
    const constants = compiled.parameters;
    return { compiled, parameters: positions.map((at, i) => (at === -1 ? constants[i] : args[at])) };
  };
  const run = (db: Kysely<Database>, args: readonly unknown[]) => {
    const { compiled, parameters } = bound(args);
    return db.executeQuery<R>({ ...compiled, parameters });
  };
  return Object.assign(run, {
    bind: (args: readonly unknown[]) => {
      const { compiled, parameters } = bound(args);
      return { sql: compiled.sql, parameters };
    },
  });
}

/** The values of a precompiled insert: the i-th column takes the i-th argument. */
export function slotRow<T>(columns: readonly string[], slot: Slot): T {
  return Object.fromEntries(columns.map((c, i) => [c, slot(i)])) as T;
}

/** A precompiled INSERT of one row into `table`, its arguments in `columns` order. */
export function precompiledInsert<T extends keyof Database & string>(db: Kysely<Database>, table: T, columns: readonly (keyof Database[T] & string)[]): Precompiled<unknown> {
  return precompiled((slot) => db.insertInto(table).values(slotRow<never>(columns, slot)).compile());
}
