import type { Clock } from '../index.js';
import type { DataItemRecord, Store } from '../store/index.js';
import { isoFromSeconds } from './iso-time.js';
import { normaliseItem } from './items.js';
import { assertWithinQuota, type DataQuota } from './quota.js';

/** A data item as tools and the REST API show it (snake_case, the wire form). */
export interface DataItem {
  id: number;
  name: string;
  value: number;
  created_at: string;
  updated_at: string;
}

const toWire = (r: DataItemRecord): DataItem => {
  const created = isoFromSeconds(r.createdAt);
  // An item never changed has both times equal: formatted once (every item of every list is formatted).
  const updated = r.updatedAt === r.createdAt ? created : isoFromSeconds(r.updatedAt);
  return { id: r.id, name: r.name, value: r.value, created_at: created, updated_at: updated };
};

/**
 * The owner-scoped data items behind both the MCP tools and /api/data: one service, so both see the same
 * rules. The owner is the token's subject (for client_credentials, the client). The edges check the types of
 * what they receive; the item rules (items.ts) are applied here, once, and break with an ItemError.
 */
export class DataService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Per-owner limits (DATA_ITEMS_PER_OWNER, DATA_BYTES_PER_OWNER); none when not given. */
    private readonly quota?: DataQuota,
  ) {}

  /**
   * The wire form of each list the store keeps (frozen, and the same list again while nothing changed, store.ts
   * listItems): made once per list, and dropped with it.
   */
  private readonly keptWire = new WeakMap<readonly DataItemRecord[], readonly DataItem[]>();

  /** At once when the store answers at once (store.ts ItemStore.listItems): no promise on the hot read. */
  list(owner: string): readonly DataItem[] | Promise<readonly DataItem[]> {
    const records = this.store.listItems(owner);
    return Array.isArray(records) ? this.wireOf(records) : (records as Promise<readonly DataItemRecord[]>).then((r) => r.map(toWire));
  }

  private wireOf(records: readonly DataItemRecord[]): readonly DataItem[] {
    if (!Object.isFrozen(records)) return records.map(toWire);
    let wire = this.keptWire.get(records);
    if (wire === undefined) {
      wire = Object.freeze(records.map((r) => Object.freeze(toWire(r))));
      this.keptWire.set(records, wire);
    }
    return wire;
  }

  async get(owner: string, id: number): Promise<DataItem | undefined> {
    const r = await this.store.getItem(owner, id);
    return r && toWire(r);
  }

  /** Throws QuotaExceededError (demo/quota.ts) when the owner would go past the quota. */
  async create(owner: string, item: { name: string; value: number }): Promise<DataItem> {
    if (this.quota) assertWithinQuota(this.quota, await this.store.listItems(owner), item);
    return toWire(await this.store.createItem(owner, normaliseItem(item), this.clock()));
  }

  /** Returns undefined when the owner has no item with this id. */
  async update(owner: string, id: number, patch: { name?: string; value?: number }): Promise<DataItem | undefined> {
    if (this.quota && patch.name !== undefined) assertWithinQuota(this.quota, await this.store.listItems(owner), { name: patch.name }, id);
    const r = await this.store.updateItem(owner, id, normaliseItem(patch), this.clock());
    return r && toWire(r);
  }

  async remove(owner: string, id: number): Promise<boolean> {
    return this.store.deleteItem(owner, id);
  }
}
