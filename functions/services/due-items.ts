import type { Subscriber } from '../core/subscriber.js';
import type { DuePage, SubscriberStore } from '../ports.js';

type Walk = { shard: number; cursor?: string };

const SHORT_PAGES_AHEAD = 4;

/**
 * Walks the sparse due index of some shards: oldest first within a shard, one
 * page per shard in turn, so a run that stops at its deadline has served every
 * shard alike instead of starving the last ones. Pages are fetched ahead of
 * the senders: several at once while pages come back short (a pass over nearly
 * empty shards costs a few round trips, not one per shard), one when they come
 * back full (enough to keep the senders busy). Few readers are held at a time,
 * however many are due: a run streams, and reads only what is due.
 */
export async function* dueItems(
  store: SubscriberStore,
  shards: readonly number[],
  now: number,
  pageSize: number,
  onRead?: (items: number) => void,
): AsyncGenerator<Subscriber> {
  const queue: Walk[] = shards.map((shard) => ({ shard }));
  const inFlight: Array<Promise<{ walk: Walk; result: DuePage }>> = [];
  let ahead = SHORT_PAGES_AHEAD;
  const fill = () => {
    while (inFlight.length < ahead) {
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
    ahead = result.items.length < pageSize ? SHORT_PAGES_AHEAD : 1;
    fill();
    // Hand items out one by one and let go of each: readers already sent are garbage at once,
    // rather than living on (and being promoted by the GC) until the page is done.
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
