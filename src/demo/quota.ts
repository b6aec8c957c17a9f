import type { DataItemRecord } from '../store/index.js';

/** How much one owner may keep: items, and bytes (a name's UTF-8 bytes plus 8 for its number, per item). */
export interface DataQuota {
  items: number;
  bytes: number;
}

/** A create or update that would take the owner past the quota; nothing was stored. */
export class QuotaExceededError extends Error {
  override name = 'QuotaExceededError';
}

const itemBytes = (item: { name: string }) => Buffer.byteLength(item.name, 'utf8') + 8;

/**
 * Throws QuotaExceededError when `owned` with `added` in place of `replacing` (an update) breaks the quota, so one
 * token cannot fill the disk. Checked before the write: parallel creates of one owner can overshoot by as many
 * items as are in flight, a bounded amount.
 */
export function assertWithinQuota(quota: DataQuota, owned: readonly DataItemRecord[], added: { name: string }, replacing?: number): void {
  const kept = owned.filter((i) => i.id !== replacing);
  if (replacing === undefined && kept.length + 1 > quota.items) {
    throw new QuotaExceededError(`Quota exceeded: at most ${quota.items} data items per owner; delete some first`);
  }
  const bytes = kept.reduce((n, i) => n + itemBytes(i), 0) + itemBytes(added);
  if (bytes > quota.bytes) throw new QuotaExceededError(`Quota exceeded: at most ${quota.bytes} bytes of data items per owner; delete or shorten some first`);
}
