import { describe, expect, it } from 'vitest';
import type { AuthEvent } from '../../src/events/events.js';
import { createLogger } from '../../src/log/logger.js';
import { McpFlowTracker } from '../../src/observability/mcp-flows.js';

/** The MCP side emits `mcp.called` to a sink like the authorization server's handlers; it knows no audit trail. */
describe('McpFlowTracker', () => {
  it('emits one mcp.called per grant per 5 s, with the call, and keeps the flow id the sink answered', async () => {
    const seen: AuthEvent[] = [];
    let nowMs = 1_000_000;
    const tracker = new McpFlowTracker({
      events: { emit: (e) => (seen.push(e), 'fl_1') },
      logger: createLogger('silent'),
      nowMs: () => nowMs,
    });
    await tracker.called({ clientId: 'c', subject: 'u', grantId: 'g1' }, '/mcp');
    await tracker.called({ clientId: 'c', subject: 'u', grantId: 'g1' }, '/mcp');
    expect(seen).toStrictEqual([{ type: 'mcp.called', clientId: 'c', subject: 'u', grantId: 'g1', path: '/mcp' }]);
    await tracker.called({ clientId: 'c', subject: 'v', grantId: 'g2' }, '/mcp');
    nowMs += 5_000;
    await tracker.called({ clientId: 'c', subject: 'u', grantId: 'g1' }, '/mcp');
    expect(seen.map((e) => e.type === 'mcp.called' && e.grantId)).toStrictEqual(['g1', 'g2', 'g1']);
  });

  it('a sink that answers no flow id is asked again on the next call; a failing sink does not fail the call', async () => {
    let calls = 0;
    const quiet = new McpFlowTracker({ events: { emit: () => void calls++ }, logger: createLogger('silent') });
    await quiet.called({ clientId: 'c', subject: 'u' });
    await quiet.called({ clientId: 'c', subject: 'u' });
    expect(calls).toBe(2);
    const failing = new McpFlowTracker({ events: { emit: () => Promise.reject(new Error('database down')) }, logger: createLogger('silent') });
    await expect(failing.called({ clientId: 'c', subject: 'u' })).resolves.toBeUndefined();
  });
});
