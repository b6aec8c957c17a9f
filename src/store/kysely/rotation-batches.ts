import type { RefreshTokenRecord } from '../store.js';

/** One rotation: mark `tokenHash` rotated at `at` and write `successor`, atomically (store.ts rotateRefreshToken). */
export interface Rotation {
  tokenHash: string;
  at: number;
  successor: RefreshTokenRecord;
}

export interface RotationOutcome {
  rotated: boolean;
  inserted: boolean;
}

/** What one statement of several rotations reports: the hashes it marked rotated and the successors it wrote. */
export interface BatchOutcome {
  rotated: readonly string[];
  inserted: readonly string[];
}

interface Waiting extends Rotation {
  resolve: (outcome: RotationOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for PostgreSQL: a rotation asked for while another statement of rotations is in flight waits and
 * goes with the others that came meanwhile, in one statement (`many`), so one commit (one WAL flush) serves
 * them all instead of one each (a commit cost ~300 us of the backend's CPU here, bench/HISTORY.md). Alone, a
 * rotation goes at once. One statement never holds the same token twice, nor a token and its successor: its
 * UPDATE and INSERT would not see each other's rows, where rotations one after the other would; such a rotation
 * waits for the next statement. If a statement of several fails (a deadlock with another instance, say), each of
 * its rotations is sent again alone (`one`), so only the rotation at fault sees the error. Each caller's promise
 * settles after its statement committed.
 */
export function rotationBatches(
  one: (r: Rotation) => Promise<RotationOutcome>,
  many: (rs: readonly Rotation[]) => Promise<BatchOutcome>,
): (r: Rotation) => Promise<RotationOutcome> {
  let queue: Waiting[] = [];
  let sending = false;

  const settle = (w: Waiting, p: Promise<RotationOutcome>) => p.then(w.resolve, w.reject);

  async function send(): Promise<void> {
    sending = true;
    try {
      while (queue.length > 0) {
        const batch: Waiting[] = [];
        const later: Waiting[] = [];
        const named = new Set<string>();
        for (const w of queue) {
          if (named.has(w.tokenHash) || named.has(w.successor.tokenHash)) later.push(w);
          else {
            named.add(w.tokenHash).add(w.successor.tokenHash);
            batch.push(w);
          }
        }
        queue = later;
        if (batch.length === 1) {
          await settle(batch[0]!, one(batch[0]!));
          continue;
        }
        try {
          const out = await many(batch);
          const rotated = new Set(out.rotated);
          const inserted = new Set(out.inserted);
          for (const w of batch) w.resolve({ rotated: rotated.has(w.tokenHash), inserted: inserted.has(w.successor.tokenHash) });
        } catch {
          await Promise.all(batch.map((w) => settle(w, one(w))));
        }
      }
    } finally {
      sending = false;
    }
  }

  return (r) =>
    new Promise<RotationOutcome>((resolve, reject) => {
      queue.push({ ...r, resolve, reject });
      if (!sending) void send();
    });
}
