import type { Subscriber } from '../core/subscriber.js';
import type { DuePage, SubscriberStore } from '../ports.js';

/** The in-memory SubscriberStore: same contract as DynamoDB, for unit tests and the simulation. */
export function createMemoryStore(): SubscriberStore & { all(): Subscriber[] } {
  const items = new Map<string, Subscriber>();
  const copy = (sub: Subscriber): Subscriber => structuredClone(sub);
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
      return copy(stored);
    },
    async delete(email) {
      items.delete(email);
    },
    async queryDue(shard, now, limit, cursor): Promise<DuePage> {
      const due = [...items.values()]
        .filter((sub) => sub.dueShard === shard && sub.due !== undefined && sub.due <= now)
        .sort((a, b) => (a.due ?? 0) - (b.due ?? 0) || a.email.localeCompare(b.email));
      const start = cursor ? Number(cursor) : 0;
      const page = due.slice(start, start + limit).map(copy);
      const next = start + limit < due.length ? String(start + limit) : undefined;
      return { items: page, cursor: next };
    },
    all: () => [...items.values()].map(copy),
  };
}

/** DynamoDB drops undefined attributes; the memory store mirrors that so both read back alike. */
function dropUndefined(sub: Subscriber): Subscriber {
  return Object.fromEntries(Object.entries(sub).filter(([, value]) => value !== undefined)) as unknown as Subscriber;
}
