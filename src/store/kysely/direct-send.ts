import type { DirectResult, DirectStatements } from '../direct.js';
import type { Precompiled } from './compiled.js';

/** How a store module sends its precompiled statements past Kysely (direct.ts). */
export interface DirectSend {
  /** One statement at once: on SQLite outside any transaction (a write commits alone), on PostgreSQL named `name`. */
  query<R>(name: string, statement: Precompiled<R>, args: readonly unknown[]): Promise<DirectResult<R>>;
  /** A SELECT at once, its rows as arrays of their columns in the order it selects them (direct.ts `Values`). */
  values<R extends unknown[]>(name: string, statement: Precompiled<unknown>, args: readonly unknown[]): Promise<R[]>;
  /**
   * One write that may share its commit: on SQLite a transaction of its own, committed with the others asked for
   * in the same turn (sqlite-direct.ts); on PostgreSQL a named statement, which commits alone.
   */
  write<R>(name: string, statement: Precompiled<R>, args: readonly unknown[]): Promise<DirectResult<R>>;
}

/** Statements sent by `direct`; PostgreSQL names each one (the name must always stand for the same SQL, postgres.ts). */
export function directSend(direct: DirectStatements): DirectSend {
  if (direct.dialect === 'postgres') {
    const query = <R>(name: string, statement: Precompiled<R>, args: readonly unknown[]) => direct.query<R>(name, statement.bind(args));
    const values = <R extends unknown[]>(name: string, statement: Precompiled<unknown>, args: readonly unknown[]) => direct.values<R>(name, statement.bind(args));
    return { query, values, write: query };
  }
  return {
    query: (_name, statement, args) => direct.query(statement.bind(args)),
    values: (_name, statement, args) => direct.values(statement.bind(args)),
    write: (_name, statement, args) => direct.transaction((run) => run(statement.bind(args))),
  };
}
