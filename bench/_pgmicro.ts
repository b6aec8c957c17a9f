import pg from 'pg';
import { readFileSync } from 'node:fs';
const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
await c.connect();
await c.query('DROP TABLE IF EXISTS _rt; CREATE TABLE _rt (token_hash text primary key, grant_id text not null, rotated_at bigint, revoked_at bigint, scope text)');
await c.query('CREATE INDEX ON _rt (grant_id)');
const pid = (await c.query('select pg_backend_pid() p')).rows[0].p;
const cpu = () => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const N = 2000;
async function time(name: string, fn: (i: number) => Promise<unknown>) {
  const c0 = cpu(); const n0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < N; i++) await fn(i);
  const n = process.cpuUsage(n0);
  console.log(`${name}: pg ${((cpu() - c0) * 1000 / N).toFixed(0)} us, node ${((n.user + n.system) / N).toFixed(0)} us, wall ${((performance.now() - t0) * 1000 / N).toFixed(0)} us`);
}
await time('select 1', () => c.query('select 1'));
await time('select 1 named', () => c.query({ name: 's1', text: 'select 1' }));
await time('insert autocommit', (i) => c.query('insert into _rt values ($1, $2, null, null, $3)', [`h${i}`, `g${i % 32}`, 'read write']));
await time('update autocommit', (i) => c.query('update _rt set rotated_at = $1 where token_hash = $2 and rotated_at is null', [i, `h${i}`]));
await time('select pk', (i) => c.query('select * from _rt where token_hash = $1', [`h${i}`]));
await time('select pk named', (i) => c.query({ name: 'spk', text: 'select * from _rt where token_hash = $1', values: [`h${i}`] }));
await c.query('set synchronous_commit = off');
await time('insert async commit', (i) => c.query('insert into _rt values ($1, $2, null, null, $3)', [`x${i}`, `g${i % 32}`, 'read write']));
await c.query('DROP TABLE _rt');
await c.end();
