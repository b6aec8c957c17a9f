import { describe, expect, it } from 'vitest';
import { keptListAnswers } from '../../src/demo/api/reads.js';
import type { DataItem } from '../../src/demo/data-service.js';

const item = (id: number, name: string): DataItem => ({ id, name, value: id / 2, created_at: '2026-12-06T22:40:29.000Z', updated_at: '2026-12-06T22:40:29.000Z' });

describe('keptListAnswers (GET /api/data on a server answering many requests)', () => {
  it('makes the answer of a frozen list once, with its JSON exactly JSON.stringify of its body', () => {
    const answerOf = keptListAnswers();
    const list = Object.freeze([item(1, 'a "quoted" \\ name'), item(2, 'lone \ud800 and \u2028')].map((i) => Object.freeze(i)));
    const a = answerOf(list);
    expect(answerOf(list)).toBe(a);
    expect(a).toMatchObject({ status: 200, headers: { 'Cache-Control': 'no-store' }, body: { items: list, count: 2 } });
    expect(a.json).toBe(JSON.stringify(a.body));
    expect(Object.isFrozen(a) && Object.isFrozen(a.headers)).toBe(true);
  });

  it('answers another frozen list (a list after a write) with its own answer', () => {
    const answerOf = keptListAnswers();
    const before = answerOf(Object.freeze([item(1, 'one')]));
    const after = answerOf(Object.freeze([item(1, 'one'), item(2, 'two')]));
    expect(after).not.toBe(before);
    expect(after.json).toBe(JSON.stringify({ items: [item(1, 'one'), item(2, 'two')], count: 2 }));
  });

  it('makes a list that is not kept (not frozen) its answer each time, without JSON made ahead', () => {
    const answerOf = keptListAnswers();
    const list = [item(1, 'one')];
    const a = answerOf(list);
    expect(answerOf(list)).not.toBe(a);
    expect(a.json).toBeUndefined();
    expect(a.body).toEqual({ items: list, count: 1 });
  });
});
