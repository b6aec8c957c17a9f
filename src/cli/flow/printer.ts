import type { Colors } from './colors.js';
import type { Exchange } from './http.js';
import type { StepResult, StepStatus } from './runner.js';

/** How much of a body is printed: the walkthrough shows the shape of each answer, not all of it. */
const MAX_BODY_LINES = 14;
const MAX_LINE_CHARS = 150;

/** Trims a body to a readable excerpt: at most MAX_BODY_LINES lines of at most MAX_LINE_CHARS characters. */
export function trimBody(body: string): string[] {
  const lines = body.split('\n');
  const shown = lines.slice(0, MAX_BODY_LINES).map((l) => (l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS - 1)}…` : l));
  if (lines.length > MAX_BODY_LINES) shown.push(`… (${lines.length - MAX_BODY_LINES} more lines)`);
  return shown;
}

function exchangeLines(x: Exchange, c: Colors): string[] {
  const out = [`   ${c.cyan('→')} ${c.bold(`${x.method} ${x.url}`)}`];
  for (const [k, v] of x.requestHeaders) out.push(c.dim(`     ${k}: ${v}`));
  if (x.requestBody) out.push(...trimBody(x.requestBody).map((l) => `     ${l}`));
  const status = `${x.status} ${x.statusText}`.trim();
  const coloured = x.status >= 400 ? c.yellow(status) : status;
  out.push(`   ${c.cyan('←')} ${c.bold(coloured)} ${c.dim(`(${x.ms} ms)`)}`);
  for (const [k, v] of x.responseHeaders) out.push(c.dim(`     ${k}: ${v}`));
  if (x.responseBody) out.push(...trimBody(x.responseBody).map((l) => `     ${l}`));
  return out;
}

export function statusLabel(status: StepStatus, c: Colors): string {
  if (status === 'pass') return c.green('PASS');
  if (status === 'fail') return c.red('FAIL');
  return c.yellow('SKIP');
}

/** One step as printed: heading, the specification it follows, each exchange, what was checked, the verdict. */
export function formatStep(r: StepResult, c: Colors): string {
  const out = ['', c.bold(`━━ Step ${r.diagram} · ${r.title}`), c.dim(`   follows: ${r.follows}`)];
  for (const x of r.exchanges) out.push(...exchangeLines(x, c));
  for (const n of r.notes) out.push(`   ${c.green('✓')} ${n}`);
  if (r.error) out.push(`   ${r.status === 'fail' ? c.red('✗') : c.yellow('–')} ${r.error}`);
  out.push(`   ${statusLabel(r.status, c)} ${c.dim(`(${r.ms} ms)`)}`);
  return `${out.join('\n')}\n`;
}

/** The closing table: step, what it did, status and time; then the count. */
export function formatSummary(results: StepResult[], c: Colors): string {
  const stepW = Math.max(4, ...results.map((r) => r.diagram.length));
  const titleW = Math.max(4, ...results.map((r) => r.title.length));
  const row = (a: string, b: string, s: string, ms: string) => `  ${a.padEnd(stepW)}  ${b.padEnd(titleW)}  ${s}  ${ms.padStart(6)}`;
  const lines = ['', c.bold('Summary'), c.dim(row('step', 'what', 'status', 'ms'))];
  for (const r of results) lines.push(row(r.diagram, r.title, `${statusLabel(r.status, c)}  `, String(r.ms)));
  const passed = results.filter((r) => r.status === 'pass').length;
  const total = results.length;
  const verdict = passed === total ? c.green(`all ${total} steps passed`) : c.red(`${passed} of ${total} steps passed`);
  lines.push('', `  ${verdict}`, '');
  return lines.join('\n');
}
