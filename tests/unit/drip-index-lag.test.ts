import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../functions/adapters/memory-store.js';
import { activate, newPending, unsubscribe, type Subscriber } from '../../functions/core/subscriber.js';
import { sendDue } from '../../functions/services/send-due.js';
import { memoryDeps } from '../support/fixtures.js';

/**
 * DynamoDB's due index is eventually consistent (issue 11, item 8): the
 * memory store can serve stale copies after a write and miss fresh records,
 * and the drip must neither skip a due lesson nor send one twice because of it.
 */
const START = '2026-12-01T08:00:00Z';
const LAG_MS = 10 * 60_000;
const consent = { at: START, ip: '192.0.2.1', userAgent: 'test', formVersion: '1' };

function lagging() {
  const env = memoryDeps(START);
  // Every write reaches the index exactly LAG_MS later on the test clock.
  const store = createMemoryStore({ indexLag: { now: () => env.clock.now().getTime(), maxMs: LAG_MS, random: () => 1 } });
  env.deps.store = store;
  const reader = (email: string) => activate(newPending({ email, timezone: 'UTC', sendHour: 8, consent }, 'o', new Date(START), 0), new Date(START));
  const later = (ms: number) => env.clock.set(new Date(Date.parse(START) + ms));
  const record = async (email: string) => (await store.get(email)) as Subscriber;
  return { ...env, store, reader, later, record };
}

describe('the memory store with index lag', () => {
  it('serves the old copy until the write has propagated, misses a new record until then, reads by key stay current', async () => {
    const env = lagging();
    const first = await env.store.put(env.reader('a@example.com'), null);
    expect((await env.store.queryDue(0, Infinity, 10)).items).toEqual([]);
    expect((await env.store.queryDue(first?.dueShard ?? 0, Infinity, 10)).items).toEqual([]);
    env.later(LAG_MS);
    expect((await env.store.queryDue(first?.dueShard ?? 0, Infinity, 10)).items).toEqual([first]);
    const renamed = await env.store.put({ ...(first as Subscriber), firstName: 'Sam' }, first?.version ?? 0);
    expect((await env.store.queryDue(first?.dueShard ?? 0, Infinity, 10)).items).toEqual([first]);
    expect(await env.store.get('a@example.com')).toEqual(renamed);
    expect(env.store.staleServed()).toBe(1);
    env.later(2 * LAG_MS);
    expect((await env.store.queryDue(first?.dueShard ?? 0, Infinity, 10)).items).toEqual([renamed]);
  });
});

describe('the drip over a lagging index', () => {
  it('sends a due lesson whose index copy is stale (it reads the record again instead of skipping it)', async () => {
    const env = lagging();
    const stored = (await env.store.put(env.reader('a@example.com'), null)) as Subscriber;
    env.later(LAG_MS);
    await env.store.put({ ...stored, firstName: 'Sam' }, stored.version); // the index still holds the version before
    expect(await sendDue(env.deps)).toMatchObject({ sent: 1 });
    expect(env.mailer.sent).toHaveLength(1);
    expect(await env.record('a@example.com')).toMatchObject({ nextDay: 2, firstName: 'Sam' });
  });

  it('never sends again to a reader the stale copy still shows as due, nor to one who left', async () => {
    const env = lagging();
    for (const email of ['a@example.com', 'b@example.com']) await env.store.put(env.reader(email), null);
    env.later(LAG_MS);
    const b = await env.record('b@example.com');
    await env.store.put(unsubscribe(b, env.clock.now()), b.version);
    expect(await sendDue(env.deps)).toMatchObject({ sent: 1 });
    // A minute later the index still shows both as due for day 1.
    env.later(LAG_MS + 60_000);
    expect(await sendDue(env.deps)).toMatchObject({ sent: 0, skipped: 2 });
    expect(env.mailer.sent.map((sent) => sent.to)).toEqual(['a@example.com']);
  });
});
