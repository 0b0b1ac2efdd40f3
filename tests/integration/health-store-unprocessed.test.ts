import type { AttributeValue, BatchGetItemCommandOutput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoHealthStore } from '../../functions/adapters/health-stores.js';
import { dynamoClient, freshTable } from '../support/engines.js';

/**
 * BatchGetItem as DynamoDB behaves under load: it may answer only part of a
 * batch and hand the rest back as UnprocessedKeys. Read as zero, those days
 * would make the circuit breaker's bounce and complaint rates wrong. The real
 * SDK against dynalite, with a middleware that keeps the first answers'
 * items back as unprocessed, as a throttled table does.
 */
let tableName: string;
const DAYS = ['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01'];

beforeAll(async () => {
  tableName = await freshTable(dynamoClient());
  const store = createDynamoHealthStore(dynamoClient(), tableName);
  for (const [i, day] of DAYS.entries()) await store.add(day, { sends: 100 * (i + 1), lessonBounces: i + 1, lessonComplaints: i });
});

/** A client whose first `partialAnswers` BatchGetItem answers keep only `keep` items and return the rest as unprocessed. */
function throttledClient(partialAnswers: number, keep = 1): { client: DynamoDBClient; calls: number[] } {
  const client = dynamoClient();
  const calls: number[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName !== 'BatchGetItemCommand') return result;
      const output = result.output as BatchGetItemCommandOutput;
      const items = output.Responses?.[tableName] ?? [];
      calls.push(items.length);
      if (calls.length > partialAnswers) return result;
      const kept = items.slice(0, keep);
      const held: Array<Record<string, AttributeValue>> = items.slice(keep).map((item) => ({ email: item.email as AttributeValue }));
      return { ...result, output: { ...output, Responses: { [tableName]: kept }, UnprocessedKeys: held.length ? { [tableName]: { Keys: held } } : {} } };
    },
    { step: 'build', name: 'holdBackKeys' },
  );
  return { client, calls };
}

const expected = DAYS.map((_, i) => ({ sends: 100 * (i + 1), lessonBounces: i + 1, lessonComplaints: i, otherBounces: 0, otherComplaints: 0 }));

describe('DynamoDB health store: BatchGetItem with UnprocessedKeys', () => {
  it('asks again for the unprocessed keys, backing off, and never reads them as zero', async () => {
    const { client, calls } = throttledClient(2);
    const sleeps: number[] = [];
    const store = createDynamoHealthStore(client, tableName, { sleep: async (ms) => void sleeps.push(ms) });
    expect(await store.read(DAYS)).toEqual(expected);
    // 4 keys: one answered, 3 held; then one of the 3, 2 held; then both.
    expect(calls).toEqual([4, 3, 2]);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]).toBeGreaterThan(0);
  });

  it('fails loudly when keys stay unprocessed, rather than report quiet days', async () => {
    const { client, calls } = throttledClient(Infinity, 0);
    const store = createDynamoHealthStore(client, tableName, { sleep: async () => {} });
    await expect(store.read(DAYS)).rejects.toThrow(/4 keys unprocessed/i);
    expect(calls).toHaveLength(6);
  });

  it('reads zeros only for days that truly have no item', async () => {
    const store = createDynamoHealthStore(throttledClient(1).client, tableName, { sleep: async () => {} });
    expect(await store.read(['2026-11-27', ...DAYS])).toEqual([{ sends: 0, lessonBounces: 0, lessonComplaints: 0, otherBounces: 0, otherComplaints: 0 }, ...expected]);
  });
});
