import type { Subscriber } from '../core/subscriber.js';
import type { DuePage, SubscriberStore } from '../ports.js';

/** The in-memory SubscriberStore: same contract as DynamoDB, for unit tests and the simulation. */
export function createMemoryStore(): SubscriberStore & { all(): Subscriber[] } {
  const items = new Map<string, Subscriber>();
  // The due index: addresses per shard, as DynamoDB's sparse GSI holds them.
  const shards = new Map<number, Set<string>>();
  const copy = (sub: Subscriber): Subscriber => structuredClone(sub);
  const index = (before: Subscriber | undefined, after: Subscriber | undefined) => {
    if (before?.dueShard !== undefined) shards.get(before.dueShard)?.delete(before.email);
    if (after?.dueShard === undefined || after.due === undefined) return;
    const members = shards.get(after.dueShard) ?? new Set<string>();
    shards.set(after.dueShard, members.add(after.email));
  };
  return {
    async get(email) {
      const found = items.get(email);
      return found && copy(found);
    },
    async put(subscriber, expectedVersion) {
      const current = items.get(subscriber.email);
      if (expectedVersion === null ? current !== undefined : current?.version !== expectedVersion) return undefined;
      const stored = dropUndefined({ ...copy(subscriber), version: (expectedVersion ?? 0) + 1 });
      items.set(subscriber.email, stored);
      index(current, stored);
      return copy(stored);
    },
    async delete(email) {
      index(items.get(email), undefined);
      items.delete(email);
    },
    async queryDue(shard, now, limit, cursor): Promise<DuePage> {
      // The cursor is the last key returned (due, email), like DynamoDB's
      // LastEvaluatedKey: records advanced meanwhile leave the index without
      // shifting the next page (an offset would skip items).
      const after = cursor ? (JSON.parse(cursor) as [number, string]) : undefined;
      const due: Subscriber[] = [];
      for (const email of shards.get(shard) ?? []) {
        const sub = items.get(email);
        if (sub?.due === undefined || sub.due > now) continue;
        if (after && compareKey(sub, after[0], after[1]) <= 0) continue;
        due.push(sub);
      }
      due.sort((a, b) => compareKey(a, b.due ?? 0, b.email));
      const page = due.slice(0, limit);
      const last = page.at(-1);
      const next = due.length > limit && last ? JSON.stringify([last.due, last.email]) : undefined;
      return { items: page.map(copy), cursor: next };
    },
    all: () => [...items.values()].map(copy),
  };
}

function compareKey(sub: Subscriber, due: number, email: string): number {
  return (sub.due ?? 0) - due || (sub.email < email ? -1 : sub.email > email ? 1 : 0);
}

/** DynamoDB drops undefined attributes; the memory store mirrors that so both read back alike. */
function dropUndefined(sub: Subscriber): Subscriber {
  return Object.fromEntries(Object.entries(sub).filter(([, value]) => value !== undefined)) as unknown as Subscriber;
}
