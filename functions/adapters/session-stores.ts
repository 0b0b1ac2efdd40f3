import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SessionStore } from '../ports.js';
import { documentSdk, type ClientSource } from './aws-sdk.js';
import { documentClient } from './dynamo-store.js';

const sessionKey = (id: string) => `#session#${id}`;

/**
 * The author's console sessions as items `#session#<id>`: open while `until`
 * is ahead (the code checks it; TTL only tidies up a day later).
 */
export function createDynamoSessionStore(client: ClientSource<DynamoDBClient>, tableName: string): SessionStore {
  const doc = documentClient(client);
  return {
    async open(id, until) {
      const { PutCommand } = await documentSdk();
      await (await doc()).send(new PutCommand({ TableName: tableName, Item: { email: sessionKey(id), until, expiresAt: Math.ceil(until / 1000) + 86_400 } }));
    },
    async isOpen(id, now) {
      const { GetCommand } = await documentSdk();
      const item = (await (await doc()).send(new GetCommand({ TableName: tableName, Key: { email: sessionKey(id) }, ConsistentRead: true }))).Item;
      return typeof item?.until === 'number' && item.until > now;
    },
    async close(id) {
      const { DeleteCommand } = await documentSdk();
      await (await doc()).send(new DeleteCommand({ TableName: tableName, Key: { email: sessionKey(id) } }));
    },
  };
}

export function createMemorySessionStore(): SessionStore {
  const sessions = new Map<string, number>();
  return {
    async open(id, until) {
      sessions.set(id, until);
    },
    async isOpen(id, now) {
      return (sessions.get(id) ?? 0) > now;
    },
    async close(id) {
      sessions.delete(id);
    },
  };
}
