import type { Selectable } from 'kysely';
import type { Database } from '../schema.js';

/** A row of `table` as Kysely reads it: snake_case; each area's module maps it to its camelCase record. */
export type Row<T extends keyof Database> = Selectable<Database[T]>;
