import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { combine, COUNT_FIELDS, ZERO, type Breaker, type Counts } from '../core/breaker.js';
import type { HealthStore } from '../ports.js';
import { documentSdk, isConditionFailure, type ClientSource } from './aws-sdk.js';
import { batchGet, type BatchGetOptions } from './batch-get.js';
import { documentClient } from './dynamo-store.js';

const CLOSED: Breaker = { state: 'closed', version: 0 };
const dayKey = (day: string) => `#health#${day}`;
const BREAKER_KEY = '#health#breaker';
const TTL_DAYS = 30;

export type HealthStoreOptions = BatchGetOptions;
export { UnprocessedKeysError } from './batch-get.js';

/**
 * Health items share the subscriber table (keys without an @, never in the
 * due index): one atomic ADD per update, TTL after a month.
 */
export function createDynamoHealthStore(client: ClientSource<DynamoDBClient>, tableName: string, options: HealthStoreOptions = {}): HealthStore {
  const doc = documentClient(client);
  return {
    async add(day, counts) {
      const entries = Object.entries(counts).filter(([, n]) => n);
      if (entries.length === 0) return;
      const { UpdateCommand } = await documentSdk();
      await (await doc()).send(
        new UpdateCommand({
          TableName: tableName,
          Key: { email: dayKey(day) },
          UpdateExpression: `ADD ${entries.map(([name]) => `${name} :${name}`).join(', ')} SET expiresAt = if_not_exists(expiresAt, :ttl)`,
          ExpressionAttributeValues: {
            ...Object.fromEntries(entries.map(([name, n]) => [`:${name}`, n])),
            ':ttl': Math.floor(Date.parse(day) / 1000) + TTL_DAYS * 86_400,
          },
        }),
      );
    },
    async read(days) {
      const items = await batchGet(doc, tableName, days.map(dayKey), options);
      const found = new Map(items.map((item) => [item.email as string, item]));
      return days.map((day) => {
        const item = found.get(dayKey(day));
        return Object.fromEntries(COUNT_FIELDS.map((field) => [field, Number(item?.[field] ?? 0)])) as Counts;
      });
    },
    async breaker() {
      const { GetCommand } = await documentSdk();
      const result = await (await doc()).send(new GetCommand({ TableName: tableName, Key: { email: BREAKER_KEY }, ConsistentRead: true }));
      if (!result.Item) return CLOSED;
      const { email: _key, ...breaker } = result.Item;
      return breaker as Breaker;
    },
    async saveBreaker(breaker, expectedVersion) {
      const { PutCommand } = await documentSdk();
      try {
        await (await doc()).send(
          new PutCommand({
            TableName: tableName,
            Item: { ...breaker, email: BREAKER_KEY, version: expectedVersion + 1 },
            ConditionExpression: 'attribute_not_exists(email) OR version = :expected',
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
}

export type MemoryHealthOptions = {
  /**
   * DynamoDB's BatchGetItem may answer with some keys unprocessed. The port
   * has no such notion: an adapter retries what was left until every day is
   * read, and throws rather than read a day as zero (which would hide bounces
   * from the breaker). This says, per key and per try, whether the memory
   * store's "batch" leaves it unprocessed, so tests and the simulation
   * exercise that retry.
   */
  unprocessed?: () => boolean;
};

/** Tries of one read before giving up on keys still unprocessed. */
export const HEALTH_READ_TRIES = 5;

export function createMemoryHealthStore(options: MemoryHealthOptions = {}): HealthStore & { unprocessedKeys: number } {
  const days = new Map<string, Counts>();
  let current: Breaker = CLOSED;
  const store = {
    unprocessedKeys: 0,
    async add(day: string, counts: Partial<Counts>) {
      days.set(day, combine(days.get(day) ?? ZERO, counts));
    },
    async read(list: string[]) {
      const found = new Map<string, Counts>();
      let pending = [...new Set(list)];
      for (let tries = 0; pending.length > 0; tries++) {
        if (tries === HEALTH_READ_TRIES) throw new Error(`health counts: ${pending.length} days still unprocessed after ${tries} tries`);
        const left = pending.filter(() => options.unprocessed?.() ?? false);
        store.unprocessedKeys += left.length;
        for (const day of pending) if (!left.includes(day)) found.set(day, days.get(day) ?? ZERO);
        pending = left;
      }
      return list.map((day) => found.get(day) ?? ZERO);
    },
    async breaker() {
      return structuredClone(current);
    },
    async saveBreaker(breaker: Breaker, expectedVersion: number) {
      if (current.version !== expectedVersion) return false;
      current = { ...structuredClone(breaker), version: expectedVersion + 1 };
      return true;
    },
  };
  return store;
}
