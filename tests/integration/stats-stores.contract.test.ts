import { describe, expect, it } from 'vitest';
import { createDynamoCounterStore, createMemoryCounterStore } from '../../functions/adapters/counter-stores.js';
import { createDynamoStore } from '../../functions/adapters/dynamo-store.js';
import { createMemoryStore } from '../../functions/adapters/memory-store.js';
import { createDynamoSessionStore, createMemorySessionStore } from '../../functions/adapters/session-stores.js';
import { createDynamoTableScan, memoryTableScan } from '../../functions/adapters/table-scans.js';
import { COMMENT_SLOTS, createDynamoVoteStore, createMemoryVoteStore } from '../../functions/adapters/vote-stores.js';
import type { Tally } from '../../functions/core/counters.js';
import { activate, newPending } from '../../functions/core/subscriber.js';
import type { CounterStore, ScannedItem, SessionStore, SubscriberStore, TableScan, VoteStore } from '../../functions/ports.js';
import { dynamoClient, freshTable } from '../support/engines.js';

/** One contract per port of the author's console, each against its memory adapter and DynamoDB on dynalite. */
type Ports = { counters: CounterStore; votes: VoteStore; sessions: SessionStore; store: SubscriberStore; scan: TableScan };

const adapters: Array<[string, () => Promise<Ports>]> = [
  [
    'memory',
    async () => {
      const counters = createMemoryCounterStore();
      const votes = createMemoryVoteStore();
      const store = createMemoryStore();
      return { counters, votes, store, sessions: createMemorySessionStore(), scan: memoryTableScan({ records: store.all, votes: votes.all, counters: counters.all }) };
    },
  ],
  [
    'dynamodb (dynalite)',
    async () => {
      const client = dynamoClient();
      const table = await freshTable(client);
      return {
        counters: createDynamoCounterStore(client, table),
        votes: createDynamoVoteStore(client, table),
        sessions: createDynamoSessionStore(client, table),
        store: createDynamoStore(client, table),
        scan: createDynamoTableScan(client, table),
      };
    },
  ],
];

const tally = (entries: Record<string, Record<string, number>>): Tally => new Map(Object.entries(entries));
const vote = (day: number, choice: 'yes' | 'no', at: string, comment?: string) => ({ linkId: 'bGlua0lkMQ', day, choice, at, ...(comment ? { comment } : {}) });

describe.each(adapters)('console stores: %s', (_name, make) => {
  it('CounterStore: adds atomically (negative too), reads by key, replaces whole items', async () => {
    const { counters } = await make();
    await Promise.all(Array.from({ length: 10 }, () => counters.add(tally({ 'lesson:3': { sent: 2, r3: 1 }, now: { active: 1 } }))));
    await counters.add(tally({ now: { active: -4, completed: 1 } }));
    expect(await counters.read(['lesson:3', 'now', 'lesson:4'])).toEqual(tally({ 'lesson:3': { sent: 20, r3: 10 }, now: { active: 6, completed: 1 } }));
    await counters.replace(tally({ 'lesson:3': { sent: 5, k_sent: 1 }, now: {} }));
    expect(await counters.read(['lesson:3', 'now'])).toEqual(tally({ 'lesson:3': { sent: 5, k_sent: 1 } }));
    const keys = Array.from({ length: 130 }, (_, i) => `day:2026-01-${i}`);
    await counters.add(new Map(keys.map((key) => [key, { signups: 1 }])));
    expect((await counters.read(keys)).size).toBe(130); // more than one BatchGetItem
  });

  it('VoteStore: one vote per reader and lesson, replaced only over the one read', async () => {
    const { votes } = await make();
    expect(await votes.get('bGlua0lkMQ', 2)).toBeUndefined();
    const first = vote(2, 'yes', '2026-12-01T08:00:00.000Z');
    expect(await votes.put(first, undefined)).toBe(true);
    expect(await votes.put(vote(2, 'no', '2026-12-01T09:00:00.000Z'), undefined)).toBe(false);
    const second = vote(2, 'no', '2026-12-01T10:00:00.000Z', 'Too long for me today.');
    expect(await votes.put(second, first)).toBe(true);
    expect(await votes.put(vote(2, 'yes', '2026-12-01T11:00:00.000Z'), first)).toBe(false);
    expect(await votes.get('bGlua0lkMQ', 2)).toEqual(second);
    await votes.put(vote(5, 'yes', '2026-12-02T08:00:00.000Z'), undefined);
    expect((await votes.list('bGlua0lkMQ', [1, 2, 3, 4, 5])).map((v) => v.day).sort()).toEqual([2, 5]);
    await votes.remove('bGlua0lkMQ', 2);
    expect(await votes.get('bGlua0lkMQ', 2)).toBeUndefined();
  });

  it('VoteStore: keeps the latest comments per lesson and drops one reader\'s', async () => {
    const { votes } = await make();
    const entry = (i: number, voter = `voter${i}`) => ({ day: 4, choice: 'no' as const, comment: `comment ${i}`, at: `2026-12-01T08:0${i}:00.000Z`, voter });
    for (let i = 0; i < COMMENT_SLOTS + 2; i++) await votes.pushComment(entry(i));
    await votes.pushComment({ ...entry(1, 'other'), day: 6 });
    const kept = await votes.comments([4]);
    expect(kept.map((c) => c.comment)).toEqual(['comment 6', 'comment 5', 'comment 4', 'comment 3', 'comment 2']);
    await votes.dropComments(4, 'voter5');
    expect((await votes.comments([4, 6])).map((c) => c.comment)).toEqual(['comment 6', 'comment 4', 'comment 3', 'comment 2', 'comment 1']);
  });

  it('SessionStore: open until it expires or is closed', async () => {
    const { sessions } = await make();
    await sessions.open('s1', 2_000);
    expect(await sessions.isOpen('s1', 1_999)).toBe(true);
    expect(await sessions.isOpen('s1', 2_000)).toBe(false);
    expect(await sessions.isOpen('nope', 0)).toBe(false);
    await sessions.close('s1');
    expect(await sessions.isOpen('s1', 0)).toBe(false);
  });

  it('TableScan: finds every record, vote and counter item, and nothing else', async () => {
    const { scan, store, votes, counters } = await make();
    const now = new Date('2026-12-01T08:00:00Z');
    const consent = { at: now.toISOString(), ip: '192.0.2.1', userAgent: 't', formVersion: '1' };
    for (let i = 0; i < 30; i++) await store.put(activate(newPending({ email: `scan${i}@example.com`, timezone: 'UTC', sendHour: 8, consent }, 'o', now, 0), now), null);
    await store.link('bGlua0lkMQ', 'scan0@example.com');
    await votes.put(vote(1, 'yes', now.toISOString()), undefined);
    await counters.add(tally({ 'day:2026-12-01': { signups: 30 } }));
    const found: ScannedItem[] = [];
    for await (const page of scan.pages()) found.push(...page);
    expect(found.filter((item) => item.kind === 'record')).toHaveLength(30);
    expect(found.filter((item) => item.kind === 'vote')).toEqual([{ kind: 'vote', vote: vote(1, 'yes', now.toISOString()) }]);
    expect(found.filter((item) => item.kind === 'counters')).toEqual([{ kind: 'counters', key: 'day:2026-12-01', fields: { signups: 30 } }]);
  });
});
