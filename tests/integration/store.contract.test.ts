import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoStore } from '../../functions/adapters/dynamo-store.js';
import { createMemoryStore } from '../../functions/adapters/memory-store.js';
import { activate, newPending, shardOf, unsubscribe, type Subscriber } from '../../functions/core/subscriber.js';
import type { SubscriberStore } from '../../functions/ports.js';
import { dynamoClient, freshTable } from '../support/engines.js';

const now = new Date('2026-12-01T12:00:00Z');
const consent = { at: now.toISOString(), ip: '203.0.113.9', userAgent: 'test', formVersion: '1' };
const pending = (email: string): Subscriber =>
  newPending({ email, timezone: 'Europe/London', sendHour: 8, consent }, `optin-${email}`, now, 0);

/** One contract, two adapters: the memory store must behave as DynamoDB does. */
const adapters: Array<[string, () => Promise<SubscriberStore>]> = [
  ['memory', async () => createMemoryStore()],
  [
    'dynamodb (dynalite)',
    async () => {
      const client = dynamoClient();
      return createDynamoStore(client, await freshTable(client));
    },
  ],
];

describe.each(adapters)('SubscriberStore contract: %s', (_name, make) => {
  let store: SubscriberStore;
  beforeAll(async () => {
    store = await make();
  });

  it('creates only when absent and bumps the version', async () => {
    const created = await store.put(pending('a@example.com'), null);
    expect(created?.version).toBe(1);
    expect(await store.put(pending('a@example.com'), null)).toBeUndefined();
    expect(await store.get('a@example.com')).toEqual(created);
    expect(await store.get('nobody@example.com')).toBeUndefined();
  });

  it('writes only over the expected version', async () => {
    const current = (await store.put(pending('b@example.com'), null)) as Subscriber;
    const activated = await store.put(activate(current, now), current.version);
    expect(activated).toMatchObject({ status: 'active', version: 2, nextDay: 1 });
    // A second writer still holding version 1 loses.
    expect(await store.put({ ...current, firstName: 'late' }, current.version)).toBeUndefined();
    expect((await store.get('b@example.com'))?.firstName).toBeUndefined();
  });

  it('drops attributes set to undefined, so the due index stays sparse', async () => {
    const current = (await store.put(activate(pending('c@example.com'), now), null)) as Subscriber;
    expect(current.dueShard).toBe(shardOf('c@example.com'));
    const { due: _due, dueShard: _shard, ...rest } = unsubscribe(current, now);
    const left = await store.put({ ...rest, due: undefined, dueShard: undefined }, current.version);
    expect(left).not.toHaveProperty('due');
    expect(await store.get('c@example.com')).not.toHaveProperty('dueShard');
  });

  it('maps link ids to addresses, keeps suppression entries, deletes only an unchanged record', async () => {
    await store.link('bGlua0lkMQ', 'd@example.com', 1_900_000_000);
    expect(await store.resolveLink('bGlua0lkMQ')).toBe('d@example.com');
    await store.link('bGlua0lkMQ', 'd@example.com');
    expect(await store.resolveLink('bGlua0lkMQ')).toBe('d@example.com');
    await store.unlink('bGlua0lkMQ');
    expect(await store.resolveLink('bGlua0lkMQ')).toBeUndefined();
    const entry = { hash: 'aGFzaA', status: 'suppressed' as const, at: now.toISOString(), reason: 'complaint' };
    await store.saveSuppression(entry);
    expect(await store.suppression('aGFzaA')).toEqual(entry);
    await store.deleteSuppression('aGFzaA');
    expect(await store.suppression('aGFzaA')).toBeUndefined();
    const stored = (await store.put(pending('e@example.com'), null)) as Subscriber;
    expect(await store.delete('e@example.com', stored.version + 1)).toBe(false);
    expect(await store.get('e@example.com')).toBeDefined();
    expect(await store.delete('e@example.com', stored.version)).toBe(true);
    expect(await store.get('e@example.com')).toBeUndefined();
  });

  it('queries one shard for due <= now, oldest first, page by page', async () => {
    const emails = Array.from({ length: 200 }, (_, i) => `due${i}@example.com`);
    const shard = shardOf(emails[0] as string);
    const inShard = emails.filter((email) => shardOf(email) === shard);
    for (const [i, email] of inShard.entries()) {
      const sub = activate(pending(email), new Date(now.getTime() - (i + 1) * 60_000));
      await store.put(sub, null);
    }
    // One of them is not due yet.
    const future = activate(pending(`later-${inShard[0]}`), now);
    await store.put({ ...future, dueShard: shard, due: now.getTime() + 3_600_000 }, null);

    const seen: Subscriber[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.queryDue(shard, now.getTime(), 3, cursor);
      seen.push(...page.items);
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 100);
    const mine = seen.filter((sub) => sub.email.startsWith('due'));
    expect(mine.map((sub) => sub.email).sort()).toEqual([...inShard].sort());
    expect(seen.every((sub) => (sub.due ?? Infinity) <= now.getTime() && sub.dueShard === shard)).toBe(true);
    const dues = seen.map((sub) => sub.due ?? 0);
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    expect(pages).toBeGreaterThan(1);
  });

  it('keeps unicode names and nested records intact', async () => {
    const sub = { ...pending('d@example.com'), firstName: 'Zoë 李' };
    await store.put(sub, null);
    expect(await store.get('d@example.com')).toMatchObject({ firstName: 'Zoë 李', consent, sends: [] });
  });
});
