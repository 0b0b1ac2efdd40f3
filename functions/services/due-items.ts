import type { Subscriber } from '../core/subscriber.js';
import type { DuePage, SubscriberStore } from '../ports.js';

type Walk = { shard: number; cursor?: string };

/**
 * Walks the sparse due index of some shards: oldest first within a shard, one
 * page per shard in turn, so a run that stops at its deadline has served every
 * shard alike instead of starving the last ones. A few pages are fetched ahead
 * while the current one is being sent, so a pass with little due costs a few
 * round trips, not one per shard. At most `lookahead + 1` pages are held: a
 * run streams, however much is due, and reads only what is due.
 */
export async function* dueItems(
  store: SubscriberStore,
  shards: readonly number[],
  now: number,
  pageSize: number,
  onRead?: (items: number) => void,
  lookahead = 4,
): AsyncGenerator<Subscriber> {
  const queue: Walk[] = shards.map((shard) => ({ shard }));
  const inFlight: Array<Promise<{ walk: Walk; result: DuePage }>> = [];
  const fill = () => {
    while (inFlight.length < lookahead) {
      const walk = queue.shift();
      if (!walk) return;
      const page = store.queryDue(walk.shard, now, pageSize, walk.cursor).then((result) => ({ walk, result }));
      // A run that stops early leaves its prefetched pages unread; their failure must not surface as unhandled.
      page.catch(() => undefined);
      inFlight.push(page);
    }
  };
  fill();
  for (let next = inFlight.shift(); next; next = inFlight.shift()) {
    const { walk, result } = await next;
    onRead?.(result.items.length);
    if (result.cursor) queue.push({ shard: walk.shard, cursor: result.cursor });
    fill();
    // Hand items out one by one and let go of each: a page's sent readers are garbage at once.
    const items = result.items.reverse();
    for (let item = items.pop(); item; item = items.pop()) yield item;
  }
}

/**
 * How many lessons are due, counting no further than `limit + 1`: enough to
 * tell whether one run can send them all, at the cost of reading at most that
 * many index items (the items themselves are dropped at once).
 */
export async function countDueUpTo(store: SubscriberStore, shards: readonly number[], now: number, limit: number): Promise<number> {
  let count = 0;
  for (const shard of shards) {
    let cursor: string | undefined;
    do {
      const page = await store.queryDue(shard, now, Math.min(100, limit + 1 - count), cursor);
      count += page.items.length;
      cursor = page.cursor;
      if (count > limit) return count;
    } while (cursor);
  }
  return count;
}
