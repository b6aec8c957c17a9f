import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { runWithLogContext } from '../../src/log/context.js';
import { formatLogLine } from '../../src/log/pretty.js';

describe('logs (docs/observability.md)', () => {
  it('lines made inside a request carry its request id and flow id; secret-named fields are redacted at any depth', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (l: string) => void lines.push(l) });
    runWithLogContext({ reqId: 'req-1', flowId: 'fl_1', clientId: 'c-1' }, () => {
      logger.info({ client_secret: 's3cr3t', nested: { refresh_token: 'rt', deeper: { password: 'pw' } }, code: 'invalid_grant' }, 'inside');
    });
    logger.info('outside');
    const [inside, outside] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inside).toMatchObject({ reqId: 'req-1', flowId: 'fl_1', clientId: 'c-1', client_secret: '[redacted]', nested: { refresh_token: '[redacted]', deeper: { password: '[redacted]' } } });
    // A top-level `code` is an OAuth error code (error-handler.ts) and stays readable.
    expect(inside!.code).toBe('invalid_grant');
    expect(outside).not.toHaveProperty('reqId');
    expect(lines.join('')).not.toMatch(/s3cr3t|"rt"|"pw"/);
  });

  it('the terminal format shows time, level, ids, message and the other fields', () => {
    const line = JSON.stringify({ level: 40, time: Date.UTC(2026, 10, 27, 10, 0, 0, 5), pid: 1, hostname: 'h', reqId: 'r1', flowId: 'fl_9', msg: 'audit: token_issued refused', rule: 'AS-3 x' });
    expect(formatLogLine(line, false)).toBe('10:00:00.005 WARN  req=r1 flow=fl_9 audit: token_issued refused rule=AS-3 x');
    expect(formatLogLine('not json', false)).toBe('not json');
  });
});
