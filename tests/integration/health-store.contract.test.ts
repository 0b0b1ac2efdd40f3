import { describe, expect, it } from 'vitest';
import { createDynamoHealthStore, createMemoryHealthStore } from '../../functions/adapters/health-stores.js';
import type { HealthStore } from '../../functions/ports.js';
import { dynamoClient, freshTable } from '../support/engines.js';

const stores: Array<[string, () => Promise<HealthStore>]> = [
  ['memory', async () => createMemoryHealthStore()],
  ['dynamodb (dynalite)', async () => createDynamoHealthStore(dynamoClient(), await freshTable(dynamoClient()))],
];

describe.each(stores)('HealthStore contract: %s', (_name, make) => {
  it('adds counts atomically per day and reads zeros for quiet days', async () => {
    const store = await make();
    await Promise.all(Array.from({ length: 10 }, () => store.add('2026-12-01', { sends: 3 })));
    await store.add('2026-12-01', { lessonBounces: 2, otherComplaints: 1 });
    expect(await store.read(['2026-12-01', '2026-11-30'])).toEqual([
      { sends: 30, lessonBounces: 2, lessonComplaints: 0, otherBounces: 0, otherComplaints: 1 },
      { sends: 0, lessonBounces: 0, lessonComplaints: 0, otherBounces: 0, otherComplaints: 0 },
    ]);
  });

  it('keeps the breaker with a version, so two writers cannot both flip it', async () => {
    const store = await make();
    expect(await store.breaker()).toEqual({ state: 'closed', version: 0 });
    expect(await store.saveBreaker({ state: 'open', reason: 'bounces', version: 0 }, 0)).toBe(true);
    expect(await store.saveBreaker({ state: 'closed', version: 0 }, 0)).toBe(false);
    expect(await store.breaker()).toMatchObject({ state: 'open', reason: 'bounces', version: 1 });
    expect(await store.saveBreaker({ state: 'closed', resumedAt: '2026-12-02T00:00:00.000Z', version: 1 }, 1)).toBe(true);
    const closed = await store.breaker();
    expect(closed).toMatchObject({ state: 'closed', version: 2 });
    expect(closed).not.toHaveProperty('reason');
  });
});
