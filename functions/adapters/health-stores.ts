import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ZERO, type Breaker, type Counts } from '../core/breaker.js';
import type { HealthStore } from '../ports.js';
import { documentSdk, isConditionFailure, type ClientSource } from './aws-sdk.js';
import { documentClient } from './dynamo-store.js';

const CLOSED: Breaker = { state: 'closed', version: 0 };
const dayKey = (day: string) => `#health#${day}`;
const BREAKER_KEY = '#health#breaker';
const TTL_DAYS = 30;

/**
 * Health items share the subscriber table (keys without an @, never in the
 * due index): one atomic ADD per update, TTL after a month.
 */
export function createDynamoHealthStore(client: ClientSource<DynamoDBClient>, tableName: string): HealthStore {
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
      if (days.length === 0) return [];
      const { BatchGetCommand } = await documentSdk();
      const result = await (await doc()).send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: days.map((day) => ({ email: dayKey(day) })) } } }),
      );
      const found = new Map((result.Responses?.[tableName] ?? []).map((item) => [item.email as string, item]));
      return days.map((day) => {
        const item = found.get(dayKey(day));
        return { sends: Number(item?.sends ?? 0), bounces: Number(item?.bounces ?? 0), complaints: Number(item?.complaints ?? 0) };
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

export function createMemoryHealthStore(): HealthStore {
  const days = new Map<string, Counts>();
  let current: Breaker = CLOSED;
  return {
    async add(day, counts) {
      const before = days.get(day) ?? ZERO;
      days.set(day, {
        sends: before.sends + (counts.sends ?? 0),
        bounces: before.bounces + (counts.bounces ?? 0),
        complaints: before.complaints + (counts.complaints ?? 0),
      });
    },
    async read(list) {
      return list.map((day) => days.get(day) ?? ZERO);
    },
    async breaker() {
      return structuredClone(current);
    },
    async saveBreaker(breaker, expectedVersion) {
      if (current.version !== expectedVersion) return false;
      current = { ...structuredClone(breaker), version: expectedVersion + 1 };
      return true;
    },
  };
}
