import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/open-store.js';
import { openSqlite } from '../../src/store/sqlite.js';

// docs/storage.md describes every table, column and index the migrations create (its own rule: "Describe the
// table or column in this file"). This reads the schema the migrations really build, on SQLite in memory, plus
// the PostgreSQL-only tables from their raw DDL, and fails on anything the document does not name.

const doc = readFileSync(new URL('../../docs/storage.md', import.meta.url), 'utf8');
const migrationsDir = new URL('../../src/store/migrations/', import.meta.url);

interface Table { name: string; columns: string[]; indexes: string[] }

/** Each `### ` section of the document, by the backticked table names in its heading. */
export function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of markdown.split(/^### /m).slice(1)) {
    const heading = part.split('\n')[0]!;
    for (const m of heading.matchAll(/`(\w+)`/g)) out.set(m[1]!, part);
  }
  return out;
}

/** What a table's section leaves out: its columns and indexes not named in backticks there. */
export function undocumented(table: Table, section: string | undefined): string[] {
  if (section === undefined) return [`table ${table.name}: no "### \`${table.name}\`" section`];
  const named = new Set([...section.matchAll(/`(\w+)`/g)].map((m) => m[1]!));
  return [
    ...table.columns.filter((c) => !named.has(c)).map((c) => `${table.name}.${c}: column not described`),
    ...table.indexes.filter((i) => !named.has(i)).map((i) => `${table.name}: index ${i} not named`),
  ];
}

/** Tables the migrations create only on PostgreSQL, with raw DDL: `create table name (column type ..., ...)`. */
function postgresOnlyTables(): Table[] {
  const files = readdirSync(migrationsDir).filter((f) => /^\d{3}-.*\.ts$/.test(f));
  return files.flatMap((f) =>
    [...readFileSync(new URL(f, migrationsDir), 'utf8').matchAll(/create table (\w+) \(([^`]*)\)`/g)].map((m) => ({
      name: m[1]!,
      columns: m[2]!.split(',').map((c) => c.trim().split(/\s+/)[0]!),
      indexes: [],
    })),
  );
}

describe('docs/storage.md describes the schema the migrations build', () => {
  const db = openSqlite(':memory:');
  let tables: Table[] = [];

  beforeAll(async () => {
    await migrate(db, 'sqlite');
    const names = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
    for (const { name } of names.rows) {
      const columns = await sql<{ name: string }>`select name from pragma_table_info(${name})`.execute(db);
      // origin 'c': made by CREATE INDEX (not a primary key's or a unique constraint's own index).
      const indexes = await sql<{ name: string }>`select name from pragma_index_list(${name}) where origin = 'c'`.execute(db);
      tables.push({ name, columns: columns.rows.map((r) => r.name), indexes: indexes.rows.map((r) => r.name) });
    }
    tables = [...tables, ...postgresOnlyTables()];
  });
  afterAll(() => db.destroy());

  it('reads the schema (so the check below cannot pass by reading nothing)', () => {
    const names = tables.map((t) => t.name);
    for (const name of ['clients', 'refresh_tokens', 'audit_events', 'kysely_migration', 'rate_limits', 'replay_jti']) expect(names).toContain(name);
    expect(tables.find((t) => t.name === 'refresh_tokens')!.columns).toContain('dpop_jkt'); // added by ALTER TABLE (008)
    expect(tables.find((t) => t.name === 'grants')!.indexes).toEqual(['grants_subject']);
    expect(tables.find((t) => t.name === 'rate_limits')!.columns).toEqual(['key', 'points', 'expire']);
    expect(tables.flatMap((t) => t.columns).length).toBeGreaterThan(100);
  });

  it('the check names what a section leaves out', () => {
    const table = { name: 'grants', columns: ['id', 'flow_id'], indexes: ['grants_subject'] };
    expect(undocumented(table, '`grants`\n| `id` (PK) | grant id |\nIndex: `grants_subject`.')).toEqual(['grants.flow_id: column not described']);
    expect(undocumented(table, undefined)).toEqual(['table grants: no "### `grants`" section']);
    expect(sections('### `a`, `b`\ntext\n### `c`: more\n').size).toBe(3);
  });

  it('every table has a section naming each of its columns and indexes', () => {
    const bySection = sections(doc);
    // Kysely's migrator keeps these two; the document describes them together, not column by column.
    const kyselys = new Set(['kysely_migration', 'kysely_migration_lock']);
    const missing = tables.flatMap((t) => (kyselys.has(t.name) ? (bySection.has(t.name) ? [] : [`table ${t.name}: no section`]) : undocumented(t, bySection.get(t.name))));
    expect(missing).toEqual([]);
  });
});
