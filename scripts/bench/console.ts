import { createMemoryCounterStore } from '../../functions/adapters/counter-stores.js';
import { createMemoryHealthStore } from '../../functions/adapters/health-stores.js';
import { createMemoryStore } from '../../functions/adapters/memory-store.js';
import { createMemorySessionStore } from '../../functions/adapters/session-stores.js';
import { createMemoryVoteStore } from '../../functions/adapters/vote-stores.js';
import { contribution, merge, type Tally } from '../../functions/core/counters.js';
import type { CounterStore, HealthStore, SubscriberStore, VoteStore } from '../../functions/ports.js';
import { createApp } from '../../functions/http/app.js';
import { sessionCookie } from '../../functions/services/author.js';
import { benchConfig, benchDeps, fixedClock, reader, sinkMailer } from './readers.js';

/**
 * console_read_ratio: the items read to render the author's console (the
 * overview, the funnel and the cohorts, as the pages do: counter items by
 * key, the comments, the breaker's week) with 100,000 readers, over the same
 * with 10,000. The readers are in the store and in the counters; the console
 * never reads the store at all (counted too).
 */
export async function measureConsoleReads(readers: number): Promise<{ items: number; storeReads: number }> {
  const store = createMemoryStore();
  const counters = createMemoryCounterStore();
  const tally: Tally = new Map();
  for (let i = 0; i < readers; i++) {
    const sub = reader(i, i % 5 < 3 ? 'later' : 'finished');
    await store.put(sub, null);
    merge(tally, contribution(sub));
  }
  await counters.add(tally);
  let items = 0;
  let storeReads = 0;
  const countedCounters: CounterStore = { ...counters, read: (keys) => ((items += keys.length), counters.read(keys)) };
  const votes = createMemoryVoteStore();
  const countedVotes: VoteStore = { ...votes, comments: (days) => ((items += days.length), votes.comments(days)) };
  const health = createMemoryHealthStore();
  const countedHealth: HealthStore = { ...health, read: (days) => ((items += days.length), health.read(days)), breaker: () => (items++, health.breaker()) };
  const countedStore: SubscriberStore = {
    ...store,
    get: (email) => (storeReads++, store.get(email)),
    queryDue: (...args) => (storeReads++, store.queryDue(...args)),
  };
  const sessions = createMemorySessionStore();
  const until = fixedClock.now().getTime() + 3_600_000;
  await sessions.open('YmVuY2hTZXM', until);
  const config = { ...benchConfig, author: { email: 'author@letgo.example', timezone: 'UTC', digestHour: 8 } };
  const app = createApp({ ...benchDeps(countedStore, sinkMailer()), config, counters: countedCounters, votes: countedVotes, health: countedHealth, sessions });
  const cookie = `__Host-letgo-author=${sessionCookie({ config }, { id: 'YmVuY2hTZXM', until })}`;
  for (const path of ['/admin', '/admin/funnel', '/admin/cohorts']) {
    const res = await app.request(path, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  }
  return { items, storeReads };
}
