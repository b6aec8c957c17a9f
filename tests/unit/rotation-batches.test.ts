import { describe, expect, it } from 'vitest';
import { rotationBatches, type Rotation } from '../../src/store/kysely/rotation-batches.js';
import type { RefreshTokenRecord } from '../../src/store/store.js';

const rotation = (tokenHash: string, successorHash: string): Rotation => ({
  tokenHash,
  at: 1,
  successor: { tokenHash: successorHash } as RefreshTokenRecord,
});

/** PostgreSQL's group commit of rotations (store/kysely/rotation-batches.ts), with the statements stood in for. */
describe('rotation batches', () => {
  function recorder(failMany = false) {
    const sent: string[][] = [];
    const one = async (r: Rotation) => (sent.push([r.tokenHash]), { rotated: r.tokenHash !== 'bad', inserted: r.tokenHash !== 'bad' });
    const many = async (rs: readonly Rotation[]) => {
      sent.push(rs.map((r) => r.tokenHash));
      if (failMany) throw new Error('deadlock detected');
      return { rotated: rs.map((r) => r.tokenHash).filter((h) => h !== 'b'), inserted: rs.map((r) => r.successor.tokenHash).filter((h) => h !== 'b2') };
    };
    return { sent, rotate: rotationBatches(one, many) };
  }

  it('sends a rotation alone at once, and the ones asked for meanwhile together in the next statement', async () => {
    const { sent, rotate } = recorder();
    const results = await Promise.all([rotate(rotation('a', 'a2')), rotate(rotation('b', 'b2')), rotate(rotation('c', 'c2'))]);
    expect(sent).toEqual([['a'], ['b', 'c']]);
    expect(results).toEqual([
      { rotated: true, inserted: true },
      { rotated: false, inserted: false },
      { rotated: true, inserted: true },
    ]);
  });

  it('never puts a token twice, or a token and its successor, in one statement', async () => {
    const { sent, rotate } = recorder();
    await Promise.all([rotate(rotation('x', 'x2')), rotate(rotation('a', 'a2')), rotate(rotation('a', 'a2')), rotate(rotation('a2', 'a3')), rotate(rotation('c', 'c2'))]);
    expect(sent).toEqual([['x'], ['a', 'c'], ['a'], ['a2']]);
  });

  it('sends each rotation of a failed statement again alone, so each gets its own answer', async () => {
    const { sent, rotate } = recorder(true);
    const results = await Promise.all([rotate(rotation('x', 'x2')), rotate(rotation('bad', 'bad2')), rotate(rotation('c', 'c2'))]);
    expect(sent).toEqual([['x'], ['bad', 'c'], ['bad'], ['c']]);
    expect(results.map((r) => r.rotated)).toEqual([true, false, true]);
  });
});
