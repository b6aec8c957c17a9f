import { systemClock, type Clock } from '../clock.js';
import { openStore } from '../store/open-store.js';
import type { AuditEventRecord } from '../store/store.js';
import { loadCliConfig, type CliIo } from './context.js';

export const USAGE = `usage: mcp-auth-server audit [--since <ISO time | 30m | 1h | 2d>] [--client <client_id>] [--limit <n>] [--json]

  Lists audit events (registrations, sign-ins, consents, tokens issued, refreshed and revoked, reuse
  detected, key rotations, first MCP calls), oldest first; refusals show the rule that refused them.
`;

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `--since`: a duration back from now (90s, 30m, 1h, 2d) or an ISO 8601 time. Unix seconds, or an Error. */
export function parseSince(value: string, now: number): number | Error {
  const ago = /^(\d+)\s*([smhd])$/.exec(value.trim());
  if (ago) return now - Number(ago[1]) * UNIT[ago[2]!]!;
  const ms = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(ms)) return Math.floor(ms / 1000);
  return new Error(`--since: expected an ISO time (2026-11-27T10:00:00Z) or a duration (30m, 1h, 2d), got ${JSON.stringify(value)}`);
}

interface AuditArgs {
  since?: string;
  client?: string;
  limit: number;
  json: boolean;
}

function parseArgs(args: string[]): AuditArgs | Error {
  const out: AuditArgs = { limit: 200, json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '--json') out.json = true;
      else if (a === '--since') out.since = value();
      else if (a === '--client') out.client = value();
      else if (a === '--limit') {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1 || n > 100_000) return new Error('--limit must be a whole number from 1 to 100000');
        out.limit = n;
      } else return new Error(`unknown option ${a}`);
    } catch (err) {
      return err as Error;
    }
  }
  return out;
}

/** One event as one line of text: time, outcome, type, then what is known. */
export function formatEvent(e: AuditEventRecord): string {
  const fields = [
    new Date(e.at * 1000).toISOString().replace('.000Z', 'Z'),
    e.outcome === 'failure' ? 'REFUSED' : 'ok     ',
    e.type.padEnd(23),
    e.clientId && `client=${e.clientId}`,
    e.subject && `subject=${e.subject}`,
    e.flowId && `flow=${e.flowId}`,
    e.error && `error=${e.error}`,
    e.rule && `rule="${e.rule}"`,
    e.detail && `(${e.detail})`,
  ];
  return fields.filter(Boolean).join('  ').trimEnd();
}

/** The JSON form: the stored record, snake_case as on the wire, ISO time added. */
function toJson(e: AuditEventRecord) {
  return {
    id: e.id,
    time: new Date(e.at * 1000).toISOString(),
    at: e.at,
    type: e.type,
    outcome: e.outcome,
    client_id: e.clientId,
    subject: e.subject,
    flow_id: e.flowId,
    rule: e.rule,
    error: e.error,
    detail: e.detail,
    request_id: e.requestId,
  };
}

/** `oauth-mcp audit`: the audit trail from the store, as text or JSON lines. */
export async function runAuditCommand(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock): Promise<number> {
  const parsed = parseArgs(args);
  if (parsed instanceof Error) {
    io.stderr.write(`mcp-auth-server audit: ${parsed.message}\n${USAGE}`);
    return 2;
  }
  let since: number | undefined;
  if (parsed.since !== undefined) {
    const s = parseSince(parsed.since, clock());
    if (s instanceof Error) {
      io.stderr.write(`mcp-auth-server audit: ${s.message}\n`);
      return 2;
    }
    since = s;
  }
  const config = loadCliConfig(io, env);
  const store = await openStore(config.databaseUrl);
  try {
    const events = await store.listAuditEvents({
      ...(since !== undefined && { since }),
      ...(parsed.client !== undefined && { clientId: parsed.client }),
      limit: parsed.limit,
    });
    if (parsed.json) {
      for (const e of events) io.stdout.write(`${JSON.stringify(toJson(e))}\n`);
    } else if (events.length === 0) {
      io.stdout.write('no audit events match\n');
    } else {
      for (const e of events) io.stdout.write(`${formatEvent(e)}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
