import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as wait } from 'node:timers/promises';
import { documentSdk } from './aws-sdk.js';

/** BatchGetItem takes at most 100 keys per request. */
const BATCH_KEYS = 100;

export type BatchGetOptions = {
  /** Back-off between BatchGetItem retries; tests pass a recording one. */
  sleep?: (ms: number) => Promise<void>;
  /** Requests per batch before unprocessed keys become an error (AWS's SDKs use a few). */
  maxAttempts?: number;
};

export class UnprocessedKeysError extends Error {
  override name = 'UnprocessedKeysError';
}

/**
 * Every item for these keys, 100 keys a request. DynamoDB may answer part of a
 * batch and return the rest as UnprocessedKeys (throttling, size): ask again
 * for those, with exponential back-off and full jitter; after maxAttempts,
 * throw. A counter read as zero when it was only unprocessed would skew what
 * the breaker and the author see.
 */
export async function batchGet(
  doc: () => Promise<DynamoDBDocumentClient>,
  tableName: string,
  keys: string[],
  options: BatchGetOptions = {},
): Promise<Array<Record<string, unknown>>> {
  const { sleep = (ms: number) => wait(ms), maxAttempts = 6 } = options;
  const { BatchGetCommand } = await documentSdk();
  const items: Array<Record<string, unknown>> = [];
  const unique = [...new Set(keys)];
  for (let start = 0; start < unique.length; start += BATCH_KEYS) {
    let pending = unique.slice(start, start + BATCH_KEYS).map((email) => ({ email }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === maxAttempts) throw new UnprocessedKeysError(`BatchGetItem left ${pending.length} keys unprocessed after ${maxAttempts} requests`);
      if (attempt > 0) await sleep(Math.random() * 50 * 2 ** attempt);
      const result = await (await doc()).send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }));
      items.push(...(result.Responses?.[tableName] ?? []));
      pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Array<{ email: string }>;
    }
  }
  return items;
}
