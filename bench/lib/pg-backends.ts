import pg from 'pg';

/**
 * The pids of the PostgreSQL backends connected to database `db` (autovacuum's workers on it included), read from
 * pg_stat_activity over a connection of `adminUrl`'s (another database's, so it is not among them). Their CPU is read
 * from /proc like a server's (proc.ts cpuMs): the bench tools add it to the server's on PostgreSQL.
 */
export async function pgBackendPids(adminUrl: string, db: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const r = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [db]);
    return r.rows.map((row) => row.pid);
  } finally {
    await c.end();
  }
}
