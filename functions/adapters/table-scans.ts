import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Tally, Vote } from '../core/counters.js';
import type { Subscriber } from '../core/subscriber.js';
import type { ScannedItem, TableScan } from '../ports.js';
import { documentSdk, type ClientSource } from './aws-sdk.js';
import { COUNTER_PREFIX, counterFields } from './counter-stores.js';
import { documentClient } from './dynamo-store.js';
import { readVote, VOTE_PREFIX } from './vote-stores.js';

/** Sorts a stored item into what the recount needs; rate limits, links, the outbox and the rest are skipped. */
function classify(item: Record<string, unknown>): ScannedItem | undefined {
  const key = String(item.email ?? '');
  if (key.startsWith(COUNTER_PREFIX)) return { kind: 'counters', key: key.slice(COUNTER_PREFIX.length), fields: counterFields(item) };
  if (key.startsWith(VOTE_PREFIX)) return { kind: 'vote', vote: readVote(item) };
  if (!key.startsWith('#') && key.includes('@')) return { kind: 'record', record: item as unknown as Subscriber };
  return undefined;
}

/**
 * The whole table, page by page (DynamoDB's 1 MB pages), strongly consistent.
 * Only the author's recount uses it, with the author's own credentials: no
 * function is granted dynamodb:Scan (tests/infra).
 */
export function createDynamoTableScan(client: ClientSource<DynamoDBClient>, tableName: string): TableScan {
  const doc = documentClient(client);
  return {
    async *pages() {
      const { ScanCommand } = await documentSdk();
      let start: Record<string, unknown> | undefined;
      do {
        const page = await (await doc()).send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
        yield (page.Items ?? []).flatMap((item) => classify(item) ?? []);
        start = page.LastEvaluatedKey;
      } while (start);
    },
  };
}

/** The memory adapters seen as one table, for the recount in tests and the simulation. */
export function memoryTableScan(sources: { records: () => Subscriber[]; votes: () => Vote[]; counters: () => Tally }): TableScan {
  return {
    async *pages() {
      yield [
        ...sources.records().map((record): ScannedItem => ({ kind: 'record', record })),
        ...sources.votes().map((vote): ScannedItem => ({ kind: 'vote', vote })),
        ...[...sources.counters()].map(([key, fields]): ScannedItem => ({ kind: 'counters', key, fields })),
      ];
    },
  };
}
