import type { Selectable } from 'kysely';
import type { Database } from '../schema.js';

/** A row of `table` as Kysely reads it: snake_case, as docs/storage.md lists the columns. */
export type Row<T extends keyof Database> = Selectable<Database[T]>;

/** `code_hash` → `codeHash`, at the type level. */
type CamelKey<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelKey<Tail>>}` : S;

/** `codeHash` → `code_hash`, at the type level. */
type SnakeKey<S extends string> = S extends `${infer C}${infer Rest}`
  ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${SnakeKey<Rest>}`
  : S;

/** `row` with every key camelCased; the values are untouched. */
export type CamelRow<R> = { [K in keyof R & string as CamelKey<K>]: R[K] };

/** `record` with every key snake_cased; the values are untouched. */
export type SnakeRow<R> = { [K in keyof R & string as SnakeKey<K>]: R[K] };

const camelKey = (key: string): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const snakeKey = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The one row mapper of the Kysely store: renames a row's columns to the record's camelCase keys. Columns
 * whose value changes shape (JSON text, 0/1 booleans, NULL for an absent optional) are overridden by the
 * module that owns them (docs/storage.md, "Rows and records").
 */
export function camelRow<R extends object>(row: R): CamelRow<R> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [camelKey(k), v])) as CamelRow<R>;
}

/** The reverse of camelRow, for inserts: a record's keys as the table's columns. */
export function snakeRow<R extends object>(record: R): SnakeRow<R> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [snakeKey(k), v])) as SnakeRow<R>;
}
