import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Subscriber } from '../core/subscriber.js';
import type { DuePage, SubscriberStore, SuppressionEntry } from '../ports.js';
import { clientFrom, documentSdk, dynamodbSdk, isConditionFailure, type ClientSource } from './aws-sdk.js';

export const DUE_INDEX = 'due-index';

/**
 * One item per subscriber keyed by the normalized address; every write is a
 * conditional put on `version`, so there are no transactions anywhere.
 * The due index is sparse: only records with `dueShard` and `due` appear.
 */
export function createDynamoStore(client: ClientSource<DynamoDBClient>, tableName: string): SubscriberStore {
  const doc = documentClient(client);
  return {
    async get(email) {
      const { GetCommand } = await documentSdk();
      const result = await (await doc()).send(new GetCommand({ TableName: tableName, Key: { email }, ConsistentRead: true }));
      return result.Item as Subscriber | undefined;
    },
    async put(subscriber, expectedVersion) {
      const item = { ...subscriber, version: (expectedVersion ?? 0) + 1 };
      const { PutCommand } = await documentSdk();
      try {
        await (await doc()).send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ...(expectedVersion === null
              ? { ConditionExpression: 'attribute_not_exists(email)' }
              : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
          }),
        );
        return JSON.parse(JSON.stringify(item)) as Subscriber;
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },
    async delete(email, expectedVersion) {
      const { DeleteCommand } = await documentSdk();
      try {
        await (await doc()).send(
          new DeleteCommand({
            TableName: tableName,
            Key: { email },
            ...(expectedVersion === undefined
              ? {}
              : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    // Link and suppression items share the table under keys without an @ (never in the due index).
    async link(linkId, email, expiresAt) {
      const { PutCommand } = await documentSdk();
      await (await doc()).send(new PutCommand({ TableName: tableName, Item: { email: linkKey(linkId), target: email, expiresAt } }));
    },
    async resolveLink(linkId) {
      const { GetCommand } = await documentSdk();
      const result = await (await doc()).send(new GetCommand({ TableName: tableName, Key: { email: linkKey(linkId) }, ConsistentRead: true }));
      // The record decides whether the link still works (services/links.ts): an expired sign-up's
      // mapping may outlive it until TTL sweeps it, and then leads to a record that is gone or expired.
      const target = result.Item?.target;
      return typeof target === 'string' ? target : undefined;
    },
    async unlink(linkId) {
      const { DeleteCommand } = await documentSdk();
      await (await doc()).send(new DeleteCommand({ TableName: tableName, Key: { email: linkKey(linkId) } }));
    },
    async suppression(hash) {
      const { GetCommand } = await documentSdk();
      const result = await (await doc()).send(new GetCommand({ TableName: tableName, Key: { email: suppressionKey(hash) }, ConsistentRead: true }));
      if (!result.Item) return undefined;
      const { email: _key, ...entry } = result.Item;
      return entry as SuppressionEntry;
    },
    async saveSuppression(entry) {
      const { PutCommand } = await documentSdk();
      await (await doc()).send(new PutCommand({ TableName: tableName, Item: { ...entry, email: suppressionKey(entry.hash) } }));
    },
    async deleteSuppression(hash) {
      const { DeleteCommand } = await documentSdk();
      await (await doc()).send(new DeleteCommand({ TableName: tableName, Key: { email: suppressionKey(hash) } }));
    },
    async queryDue(shard, now, limit, cursor): Promise<DuePage> {
      const page = await queryDueIndex(await doc(), tableName, shard, now, limit, cursor);
      return { items: page.items as unknown as Subscriber[], cursor: page.cursor };
    },
  };
}

/** One page of one shard of the sparse due index (the drip's shards, and the local outbox's). */
export async function queryDueIndex(doc: DynamoDBDocumentClient, tableName: string, shard: number, now: number, limit: number, cursor?: string) {
  const { QueryCommand } = await documentSdk();
  const result = await doc.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: DUE_INDEX,
      KeyConditionExpression: 'dueShard = :shard AND due <= :now',
      ExpressionAttributeValues: { ':shard': shard, ':now': now },
      Limit: limit,
      ExclusiveStartKey: cursor ? (JSON.parse(cursor) as Record<string, unknown>) : undefined,
    }),
  );
  return {
    items: (result.Items ?? []) as Array<Record<string, unknown>>,
    cursor: result.LastEvaluatedKey ? JSON.stringify(result.LastEvaluatedKey) : undefined,
  };
}

const linkKey = (linkId: string) => `#link#${linkId}`;
const suppressionKey = (hash: string) => `#suppressed#${hash}`;

/** The document client over a direct or lazily built client, undefined attributes dropped (the index stays sparse). */
export function documentClient(client: ClientSource<DynamoDBClient>): () => Promise<DynamoDBDocumentClient> {
  const raw = clientFrom(client);
  return clientFrom(async () => (await documentSdk()).DynamoDBDocumentClient.from(await raw(), { marshallOptions: { removeUndefinedValues: true } }));
}

/** The table as production defines it (sst.config.ts); used by the local stack and tests. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { CreateTableCommand, waitUntilTableExists } = await dynamodbSdk();
  const exists = () => waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
  if (await tableStatus(client, tableName)) {
    await exists();
    return;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'email', AttributeType: 'S' },
        { AttributeName: 'dueShard', AttributeType: 'N' },
        { AttributeName: 'due', AttributeType: 'N' },
      ],
      KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: DUE_INDEX,
          KeySchema: [
            { AttributeName: 'dueShard', KeyType: 'HASH' },
            { AttributeName: 'due', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  // A new table is CREATING for a moment (on dynalite too): writes before ACTIVE are refused.
  await exists();
}

async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  const { DescribeTableCommand } = await dynamodbSdk();
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus ?? 'UNKNOWN';
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}
