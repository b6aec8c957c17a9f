import pg from 'pg';
const counts = new Map<string, number>();
const orig = pg.Client.prototype.query;
(pg.Client.prototype as any).query = function (this: any, ...args: any[]) {
  const text = typeof args[0] === 'string' ? args[0] : args[0]?.text;
  if ((globalThis as any).COUNTING) counts.set(text, (counts.get(text) ?? 0) + 1);
  return (orig as any).apply(this, args);
};
process.on('exit', () => { for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) console.log(v, k.replace(/\s+/g, ' ').slice(0, 160)); });
