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

const itemKey = (key: string, index: number) => `#rate#${key}#${index}`;
/** The current window and the one before: all a key can still hold (older ones have expired). */
const recentWindows = (windowMs: number, now: Date) => [windowOf(windowMs, now).index, windowOf(windowMs, now).index - 1];

/**
 * Counters live in the subscriber table as items keyed `#rate#<key>#<window>`
 * (callers pass keyed hashes, never an address): they never carry the due-index
 * attributes, and TTL removes them a day after their window. One conditional
 * ADD per hit, so concurrent Lambdas agree.
 */
export function createDynamoRateLimiter(client: ClientSource<DynamoDBClient>, tableName: string): RateLimiter {
  const doc = documentClient(client);
  const update = async (input: Record<string, unknown>) => {
    const { UpdateCommand } = await documentSdk();
    return (await doc()).send(new UpdateCommand({ TableName: tableName, ...input } as ConstructorParameters<typeof UpdateCommand>[0]));
  };
  const read = async (email: string) => {
    const { GetCommand } = await documentSdk();
    return (await (await doc()).send(new GetCommand({ TableName: tableName, Key: { email }, ConsistentRead: true }))).Item;
  };
  return {
    async hit(key, limit, windowMs, now, member) {
      const { index, end, retryAfterSeconds } = windowOf(windowMs, now);
      const email = itemKey(key, index);
      const ttl = Math.ceil(end / 1000) + 86_400;
      try {
        await update({
          Key: { email },
          UpdateExpression: `ADD hits :one${member ? ', members :member' : ''} SET expiresAt = if_not_exists(expiresAt, :ttl)`,
          ConditionExpression: `(attribute_not_exists(hits) OR hits < :limit)${member ? ' AND NOT contains(members, :name)' : ''}`,
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': limit,
            ':ttl': ttl,
            ...(member ? { ':member': new Set([member]), ':name': member } : {}),
          },
        });
        return { allowed: true, retryAfterSeconds: 0 };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Refused, unless this member was counted already (a retry of the same job).
        const counted = member !== undefined && ((await read(email))?.members as Set<string> | undefined)?.has(member);
        return counted ? { allowed: true, retryAfterSeconds: 0 } : { allowed: false, retryAfterSeconds };
      }
    },
    async release(key, windowMs, now, member) {
      try {
        await update({
          Key: { email: itemKey(key, windowOf(windowMs, now).index) },
          UpdateExpression: 'DELETE members :member ADD hits :minus',
          ConditionExpression: 'contains(members, :name)',
          ExpressionAttributeValues: { ':member': new Set([member]), ':name': member, ':minus': -1 },
        });
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
    async once(key, until) {
      const { PutCommand } = await documentSdk();
      try {
        await (await doc()).send(
          new PutCommand({
            TableName: tableName,
            Item: { email: `#once#${key}`, expiresAt: Math.ceil(until.getTime() / 1000) + 86_400 },
            ConditionExpression: 'attribute_not_exists(email)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async held(key, windowMs, now) {
      const found = await Promise.all(recentWindows(windowMs, now).map(async (index) => ({ index, item: await read(itemKey(key, index)) })));
      return found
        .filter(({ item }) => item)
        .map(({ index, item }) => ({ window: new Date(index * windowMs).toISOString(), hits: Number(item?.hits ?? 0) }));
    },
    async erase(key, windowMs, now) {
      const { DeleteCommand } = await documentSdk();
      await Promise.all(
        recentWindows(windowMs, now).map(async (index) =>
          (await doc()).send(new DeleteCommand({ TableName: tableName, Key: { email: itemKey(key, index) } })),
        ),
      );
    },
  };
}

export function createMemoryRateLimiter(): RateLimiter {
  const slots = new Map<string, { hits: number; members: Set<string> }>();
  const used = new Set<string>();
  const slot = (name: string) => {
    let found = slots.get(name);
    if (!found) slots.set(name, (found = { hits: 0, members: new Set() }));
    return found;
  };
  return {
    async hit(key, limit, windowMs, now, member) {
      const { index, retryAfterSeconds } = windowOf(windowMs, now);
      const current = slot(itemKey(key, index));
      if (member !== undefined && current.members.has(member)) return { allowed: true, retryAfterSeconds: 0 };
      if (current.hits >= limit) return { allowed: false, retryAfterSeconds };
      current.hits++;
      if (member !== undefined) current.members.add(member);
      return { allowed: true, retryAfterSeconds: 0 };
    },
    async release(key, windowMs, now, member) {
      const current = slots.get(itemKey(key, windowOf(windowMs, now).index));
      if (current?.members.delete(member)) current.hits--;
    },
    async once(key) {
      if (used.has(key)) return false;
      used.add(key);
      return true;
    },
    async held(key, windowMs, now) {
      return recentWindows(windowMs, now).flatMap((index) => {
        const current = slots.get(itemKey(key, index));
        return current ? [{ window: new Date(index * windowMs).toISOString(), hits: current.hits }] : [];
      });
    },
    async erase(key, windowMs, now) {
      for (const index of recentWindows(windowMs, now)) slots.delete(itemKey(key, index));
    },
  };
}
