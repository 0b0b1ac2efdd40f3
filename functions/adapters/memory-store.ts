import type { Subscriber } from '../core/subscriber.js';
import type { DuePage, SubscriberStore, SuppressionEntry } from '../ports.js';

/** A due-index entry: DynamoDB's GSI sort key (due), then the table key (email), and the projected record. */
type Key = { due: number; email: string; sub: Subscriber };

export type MemoryStoreOptions = {
  /**
   * DynamoDB's GSIs are eventually consistent: after a write, a query may
   * still return the record's old copy (or not yet return a new record) for
   * a while. With this set, each write reaches the due index only after a
   * random delay of up to `maxMs` on the store's clock, in write order per
   * record; until then queryDue serves the copy it had. Reads by key (get)
   * stay current, as ConsistentRead does.
   */
  indexLag?: { now: () => number; maxMs: number; random: () => number };
};

/** The in-memory SubscriberStore: same contract as DynamoDB, for unit tests and the simulation. */
export function createMemoryStore(options: MemoryStoreOptions = {}): SubscriberStore & { all(): Subscriber[]; staleServed(): number } {
  const items = new Map<string, Subscriber>();
  // The sparse due index: per shard, the entries of records with a due time, kept sorted,
  const links = new Map<string, string>();
  const suppressions = new Map<string, SuppressionEntry>();
  // The sparse due index: per shard, the keys of records with a due time, kept sorted,
  // so a page costs a binary search and the page itself, however long the list.
  // Stored records are never mutated (each put stores a new copy), so entries share them.
  const shards = new Map<number, Key[]>();
  const indexed = new Map<string, Key>();
  const reindex = (email: string, sub: Subscriber | undefined) => {
    const old = indexed.get(email);
    if (old) {
      const keys = shards.get(old.sub.dueShard ?? -1) ?? [];
      const at = firstAtOrAfter(keys, old.due, email);
      if (keys[at]?.email === email) keys.splice(at, 1);
      indexed.delete(email);
    }
    if (sub?.dueShard === undefined || sub.due === undefined) return;
    const keys = shards.get(sub.dueShard) ?? [];
    shards.set(sub.dueShard, keys);
    const key = { due: sub.due, email, sub };
    keys.splice(firstAtOrAfter(keys, sub.due, email), 0, key);
    indexed.set(email, key);
  };
  const lag = options.indexLag;
  const pending: Array<{ at: number; email: string; sub: Subscriber | undefined }> = [];
  const visibleAt = new Map<string, number>();
  let stale = 0;
  const propagate = (email: string, sub: Subscriber | undefined) => {
    if (!lag) return reindex(email, sub);
    const at = Math.max(visibleAt.get(email) ?? 0, lag.now() + lag.random() * lag.maxMs);
    visibleAt.set(email, at);
    pending.push({ at, email, sub });
  };
  const catchUp = () => {
    if (!lag || pending.length === 0) return;
    const now = lag.now();
    pending.sort((a, b) => a.at - b.at); // stable: one record's updates keep their order
    let done = 0;
    while (done < pending.length && (pending[done]?.at ?? Infinity) <= now) {
      const update = pending[done++];
      if (update) reindex(update.email, update.sub);
    }
    pending.splice(0, done);
  };
  return {
    async get(email) {
      const found = items.get(email);
      return found && copyData(found);
    },
    async put(subscriber, expectedVersion) {
      const current = items.get(subscriber.email);
      if (expectedVersion === null ? current !== undefined : current?.version !== expectedVersion) return undefined;
      const stored = copyData({ ...subscriber, version: (expectedVersion ?? 0) + 1 });
      items.set(subscriber.email, stored);
      propagate(stored.email, stored);
      return copyData(stored);
    },
    async delete(email, expectedVersion) {
      const current = items.get(email);
      if (expectedVersion !== undefined && current?.version !== expectedVersion) return false;
      items.delete(email);
      propagate(email, undefined);
      return true;
    },
    async queryDue(shard, now, limit, cursor): Promise<DuePage> {
      catchUp();
      // The cursor is the last key returned, like DynamoDB's LastEvaluatedKey:
      // records advanced meanwhile leave the index without shifting the next
      // page (an offset would skip items).
      const keys = shards.get(shard) ?? [];
      const after = cursor ? (JSON.parse(cursor) as [number, string]) : undefined;
      let at = after ? firstAtOrAfter(keys, after[0], after[1]) : 0;
      if (after && keys[at]?.due === after[0] && keys[at]?.email === after[1]) at++;
      const page: Subscriber[] = [];
      for (; at < keys.length && page.length < limit; at++) {
        const key = keys[at] as Key;
        if (key.due > now) break;
        if (items.get(key.email) !== key.sub) stale++;
        page.push(copyData(key.sub));
      }
      const last = page.at(-1);
      const more = (keys[at]?.due ?? Infinity) <= now;
      return { items: page, cursor: more && last ? JSON.stringify([last.due, last.email]) : undefined };
    },
    all: () => [...items.values()].map(copyData),
    async link(linkId, email) {
      links.set(linkId, email);
    },
    async resolveLink(linkId) {
      return links.get(linkId);
    },
    async unlink(linkId) {
      links.delete(linkId);
    },
    async suppression(hash) {
      const found = suppressions.get(hash);
      return found && copyData(found);
    },
    async saveSuppression(entry) {
      suppressions.set(entry.hash, copyData(entry));
    },
    async deleteSuppression(hash) {
      suppressions.delete(hash);
    },
    /** How many index items queryDue served that were older than the record (index lag at work). */
    staleServed: () => stale,
  };
}

/** Binary search: the first key not before (due, email). */
function firstAtOrAfter(keys: Key[], due: number, email: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const key = keys[mid] as Key;
    if (key.due < due || (key.due === due && key.email < email)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * A deep copy of plain record data, so no caller shares an object with the
 * store. Attributes set to undefined are dropped at every level, as the
 * DynamoDB store's marshalling does (removeUndefinedValues), so both read back
 * alike. Hand-written because structuredClone costs ~7x more per record, and
 * the drip copies each reader five times per lesson.
 */
function copyData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyData) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) copy[key] = copyData(field);
  return copy as T;
}
