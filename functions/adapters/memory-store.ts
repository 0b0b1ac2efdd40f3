import type { Subscriber } from '../core/subscriber.js';
import type { DuePage, SubscriberStore, SuppressionEntry } from '../ports.js';

/** A due-index entry: DynamoDB's GSI sort key (due), then the table key (email). */
type Key = { due: number; email: string };

/** The in-memory SubscriberStore: same contract as DynamoDB, for unit tests and the simulation. */
export function createMemoryStore(): SubscriberStore & { all(): Subscriber[] } {
  const items = new Map<string, Subscriber>();
  const links = new Map<string, string>();
  const suppressions = new Map<string, SuppressionEntry>();
  // The sparse due index: per shard, the keys of records with a due time, kept sorted,
  // so a page costs a binary search and the page itself, however long the list.
  const shards = new Map<number, Key[]>();
  const unindex = (sub: Subscriber | undefined) => {
    if (sub?.dueShard === undefined || sub.due === undefined) return;
    const keys = shards.get(sub.dueShard) ?? [];
    const at = firstAtOrAfter(keys, sub.due, sub.email);
    if (keys[at]?.email === sub.email) keys.splice(at, 1);
  };
  const index = (sub: Subscriber) => {
    if (sub.dueShard === undefined || sub.due === undefined) return;
    const keys = shards.get(sub.dueShard) ?? [];
    shards.set(sub.dueShard, keys);
    keys.splice(firstAtOrAfter(keys, sub.due, sub.email), 0, { due: sub.due, email: sub.email });
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
      unindex(current);
      items.set(subscriber.email, stored);
      index(stored);
      return copyData(stored);
    },
    async delete(email, expectedVersion) {
      const current = items.get(email);
      if (expectedVersion !== undefined && current?.version !== expectedVersion) return false;
      unindex(current);
      items.delete(email);
      return true;
    },
    async queryDue(shard, now, limit, cursor): Promise<DuePage> {
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
        const sub = items.get(key.email);
        if (sub) page.push(copyData(sub));
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
