import pg from 'pg';

/** PostgreSQL's SQLSTATE for a database that does not exist (Appendix A, class 3D). */
export const NO_SUCH_DATABASE = '3D000';

/**
 * Creates the database a postgres:// URL names, connecting to the server's `postgres` maintenance database with the
 * same role. Throws one line naming `createdb` when the role may not (or the server refuses).
 */
export async function createPostgresDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  try {
    await client.connect();
    // An identifier cannot be a query parameter: quoted, with any double quote doubled.
    await client.query(`create database "${name.replace(/"/g, '""')}"`);
  } catch (err) {
    const e = err as { code?: string; message: string };
    // 42P04: created meanwhile by another instance starting at the same moment.
    if (e.code === '42P04') return;
    throw new Error(
      `database "${name}" does not exist and could not be created (${e.message}); create it with ` +
        `\`createdb ${name}\` (or CREATE DATABASE as a role that may), or give the role CREATEDB`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
