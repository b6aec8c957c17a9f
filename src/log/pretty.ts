import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const COLORS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'flowId']);

/**
 * A small pretty printer for pino's JSON lines, used when stdout is a terminal: time, level, request and flow
 * ids, message, then the other fields as key=value. Machines reading stdout still get JSON (not a TTY).
 */
export function formatLogLine(line: string, color = true): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = typeof o.level === 'number' ? o.level : 30;
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const time = typeof o.time === 'number' ? new Date(o.time).toISOString().slice(11, 23) : '';
  const ids = [o.reqId && `req=${String(o.reqId)}`, o.flowId && `flow=${String(o.flowId)}`].filter(Boolean).join(' ');
  const rest = Object.entries(o)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return [paint('90', time), paint(COLORS[level] ?? '0', LEVELS[level] ?? String(level)), ids && paint('90', ids), String(o.msg ?? ''), rest && paint('90', rest)]
    .filter(Boolean)
    .join(' ');
}

/** A destination that pretty-prints each JSON line onto `out`. */
export function prettyDestination(out: NodeJS.WritableStream, color = true): Writable {
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) out.write(`${formatLogLine(line, color)}\n`);
      done();
    },
  });
}
