import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RateLimiter } from '../ports.js';
import { documentSdk, isConditionFailure, type ClientSource } from './aws-sdk.js';
import { documentClient } from './dynamo-store.js';

/** Which window an instant falls in, and the seconds until it ends. */
function windowOf(windowMs: number, now: Date) {
  const index = Math.floor(now.getTime() / windowMs);
  const end = (index + 1) * windowMs;
  return { index, end, retryAfterSeconds: Math.max(1, Math.ceil((end - now.getTime()) / 1000)) };
}

/**
 * Counters live in the subscriber table as items keyed `#rate#<key>#<window>`:
 * they never carry the due-index attributes, and TTL removes them a day after
 * their window. One conditional ADD per hit, so concurrent Lambdas agree.
 */
export function createDynamoRateLimiter(client: ClientSource<DynamoDBClient>, tableName: string): RateLimiter {
  const doc = documentClient(client);
  return {
    async hit(key, limit, windowMs, now) {
      const { index, end, retryAfterSeconds } = windowOf(windowMs, now);
      const { UpdateCommand } = await documentSdk();
      try {
        await (await doc()).send(
          new UpdateCommand({
            TableName: tableName,
            Key: { email: `#rate#${key}#${index}` },
            UpdateExpression: 'ADD hits :one SET expiresAt = if_not_exists(expiresAt, :ttl)',
            ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
            ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': Math.ceil(end / 1000) + 86_400 },
          }),
        );
        return { allowed: true, retryAfterSeconds: 0 };
      } catch (error) {
        if (isConditionFailure(error)) return { allowed: false, retryAfterSeconds };
        throw error;
      }
    },
  };
}

export function createMemoryRateLimiter(): RateLimiter {
  const hits = new Map<string, number>();
  return {
    async hit(key, limit, windowMs, now) {
      const { index, retryAfterSeconds } = windowOf(windowMs, now);
      const slot = `${key}#${index}`;
      const count = hits.get(slot) ?? 0;
      if (count >= limit) return { allowed: false, retryAfterSeconds };
      hits.set(slot, count + 1);
      return { allowed: true, retryAfterSeconds: 0 };
    },
  };
}
