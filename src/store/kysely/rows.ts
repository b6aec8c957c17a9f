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

/** `_x` → `X` for x in [a-z0-9], left to right (as /_([a-z0-9])/g would), without a regex: it runs for every column read. */
function camelKey(key: string): string {
  if (!key.includes('_')) return key;
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const next = key.charCodeAt(i + 1);
    if (key[i] === '_' && ((next >= 97 && next <= 122) || (next >= 48 && next <= 57))) out += key[++i]!.toUpperCase();
    else out += key[i];
  }
  return out;
}

/** `X` → `_x` for every uppercase letter, without a regex: it runs for every column written (audit rows included). */
function snakeKey(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    out += c >= 65 && c <= 90 ? `_${String.fromCharCode(c + 32)}` : key[i];
  }
  return out;
}

/**
 * The one row mapper of the Kysely store: renames a row's columns to the record's camelCase keys. Columns
 * whose value changes shape (JSON text, 0/1 booleans, NULL for an absent optional) are overridden by the
 * module that owns them (docs/storage.md, "Rows and records").
 */
export function camelRow<R extends object>(row: R): CamelRow<R> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(row)) out[camelKey(key)] = (row as Record<string, unknown>)[key];
  return out as CamelRow<R>;
}

/** The reverse of camelRow, for inserts: a record's keys as the table's columns. */
export function snakeRow<R extends object>(record: R): SnakeRow<R> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) out[snakeKey(key)] = (record as Record<string, unknown>)[key];
  return out as SnakeRow<R>;
}
