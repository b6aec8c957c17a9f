import type { Colors } from '../flow/colors.js';

export type Verdict = 'pass' | 'warn' | 'fail' | 'skip';

/** One line of the doctor's table: what was checked, against which rule, and what was seen. */
export interface Row {
  verdict: Verdict;
  /** The rule: a docs/requirements.md id (RS-x, AS-x) or an interop note ("note 12"), with the RFC where it helps. */
  rule: string;
  check: string;
  detail: string;
  ms?: number;
}

export interface DoctorReport {
  target: string;
  rows: Row[];
  /** Clients the registration probes created on the server: a side effect the user should know about. */
  registeredClients: { clientId: string; redirectUris: string[] }[];
  registrationEndpoint?: string;
}

export function counts(rows: Row[]): Record<Verdict, number> {
  const c: Record<Verdict, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const r of rows) c[r.verdict]++;
  return c;
}

function label(v: Verdict, c: Colors): string {
  const text = v.padEnd(4);
  if (v === 'pass') return c.green(text);
  if (v === 'warn') return c.yellow(text);
  if (v === 'fail') return c.red(text);
  return c.dim(text);
}

/** The table: verdict, rule, check and time on one line, the detail under it. */
export function formatReport(report: DoctorReport, c: Colors): string {
  const ruleW = Math.max(4, ...report.rows.map((r) => r.rule.length));
  const checkW = Math.max(5, ...report.rows.map((r) => r.check.length));
  const line = (v: string, rule: string, check: string, ms: string) => `  ${v}  ${rule.padEnd(ruleW)}  ${check.padEnd(checkW)}  ${ms.padStart(6)}`;
  const out = ['', c.bold(`mcp-auth-server doctor: ${report.target}`), '', c.dim(line('    ', 'rule', 'check', 'ms'))];
  for (const r of report.rows) {
    out.push(line(label(r.verdict, c), r.rule, r.check, r.ms === undefined ? '' : String(r.ms)));
    if (r.detail) out.push(c.dim(`        ${r.detail}`));
  }
  const n = counts(report.rows);
  out.push('', `  ${c.green(`${n.pass} pass`)}, ${c.yellow(`${n.warn} warn`)}, ${c.red(`${n.fail} fail`)}${n.skip ? `, ${n.skip} skipped` : ''}`);
  if (report.registeredClients.length) {
    out.push(
      '',
      `  Side effect: ${report.registeredClients.length} client(s) named "oauth-mcp doctor probe" were registered at ${report.registrationEndpoint}:`,
      ...report.registeredClients.map((cl) => `    ${cl.clientId}  ${cl.redirectUris.join(' ')}`),
      '  They hold no tokens; delete them if the server keeps registrations (run with --no-register to skip).',
    );
  }
  out.push('');
  return out.join('\n');
}

/** The machine-readable form: the same rows, counts and side effects. */
export function reportJson(report: DoctorReport): string {
  return `${JSON.stringify({ ...report, counts: counts(report.rows), ok: counts(report.rows).fail === 0 }, null, 2)}\n`;
}
