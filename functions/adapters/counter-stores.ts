import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { merge, type Fields, type Tally } from '../core/counters.js';
import type { CounterStore } from '../ports.js';
import { documentSdk, type ClientSource } from './aws-sdk.js';
import { batchGet, type BatchGetOptions } from './batch-get.js';
import { documentClient } from './dynamo-store.js';

export const COUNTER_PREFIX = '#stats#';
const itemKey = (key: string) => `${COUNTER_PREFIX}${key}`;
/** Writes in flight at once: a drip run's flush touches a few dozen items. */
const PARALLEL = 8;

/** Runs `work` over `items`, at most PARALLEL at a time. */
async function inParallel<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  }));
}

/** The numbers of a stored counter item (its key and anything else left out). */
export function counterFields(item: Record<string, unknown>): Fields {
  const fields: Fields = {};
  for (const [name, value] of Object.entries(item)) if (name !== 'email' && typeof value === 'number') fields[name] = value;
  return fields;
}

/**
 * Counter items share the subscriber table under `#stats#<key>` (no @, never
 * in the due index, no TTL: the counts are the course's history).
 */
export function createDynamoCounterStore(client: ClientSource<DynamoDBClient>, tableName: string, options: BatchGetOptions = {}): CounterStore {
  const doc = documentClient(client);
  return {
    async add(tally) {
      const { UpdateCommand } = await documentSdk();
      await inParallel([...tally], async ([key, fields]) => {
        const entries = Object.entries(fields).filter(([, n]) => n !== 0);
        if (entries.length === 0) return;
        await (await doc()).send(
          new UpdateCommand({
            TableName: tableName,
            Key: { email: itemKey(key) },
            UpdateExpression: `ADD ${entries.map((_, i) => `#f${i} :v${i}`).join(', ')}`,
            ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#f${i}`, name])),
            ExpressionAttributeValues: Object.fromEntries(entries.map(([, n], i) => [`:v${i}`, n])),
          }),
        );
      });
    },
    async read(keys) {
      const items = await batchGet(doc, tableName, keys.map(itemKey), options);
      return new Map(items.map((item) => [String(item.email).slice(COUNTER_PREFIX.length), counterFields(item)]));
    },
    async replace(items) {
      const { PutCommand, DeleteCommand } = await documentSdk();
      await inParallel([...items], async ([key, fields]) => {
        const Key = { email: itemKey(key) };
        const client = await doc();
        if (Object.keys(fields).length) await client.send(new PutCommand({ TableName: tableName, Item: { ...fields, ...Key } }));
        else await client.send(new DeleteCommand({ TableName: tableName, Key }));
      });
    },
  };
}

/** The same in memory: unit tests, the simulation. `all()` is what a Scan would find. */
export function createMemoryCounterStore(): CounterStore & { all(): Tally } {
  const items: Tally = new Map();
  const copy = (tally: Tally) => new Map([...tally].map(([key, fields]) => [key, { ...fields }]));
  return {
    async add(tally) {
      merge(items, tally);
    },
    async read(keys) {
      return new Map(keys.flatMap((key) => (items.has(key) ? [[key, { ...items.get(key) }] as const] : [])));
    },
    async replace(replaced) {
      for (const [key, fields] of replaced) {
        if (Object.keys(fields).length) items.set(key, { ...fields });
        else items.delete(key);
      }
    },
    all: () => copy(items),
  };
}
