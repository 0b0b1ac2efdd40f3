import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DUE_SHARDS } from '../core/subscriber.js';
import type { NoticeJob, NoticeQueue, Outbox } from '../ports.js';
import { clientFrom, documentSdk, sqsSdk, type ClientSource } from './aws-sdk.js';
import { documentClient, queryDueIndex } from './dynamo-store.js';

/**
 * The outbox's adapters. On AWS, SQS: the API sends one message per notice and
 * the notice worker Lambda consumes it, with retries and a dead-letter queue.
 * Locally (and in tests on dynalite), a durable outbox in the table itself:
 * one item per job on a due-index shard of its own, past the drip's shards, so
 * the drip never sees it and a restarted process finds what is left.
 */
export const OUTBOX_SHARD = DUE_SHARDS;
const outboxKey = (id: string) => `#outbox#${id}`;

export function createSqsQueue(source: ClientSource<SQSClient>, queueUrl: string): NoticeQueue {
  const client = clientFrom(source);
  return {
    async enqueue(job) {
      const [{ SendMessageCommand }, sqs] = await Promise.all([sqsSdk(), client()]);
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(job) }), {
        abortSignal: AbortSignal.timeout(3_000),
      });
    },
  };
}

export function createDynamoOutbox(client: ClientSource<DynamoDBClient>, tableName: string): Outbox {
  const doc = documentClient(client);
  return {
    async enqueue(job) {
      const { PutCommand } = await documentSdk();
      const item = { email: outboxKey(job.id), job, attempts: 0, dueShard: OUTBOX_SHARD, due: Date.parse(job.at) };
      await (await doc()).send(new PutCommand({ TableName: tableName, Item: item }));
    },
    async due(now, limit) {
      const { items } = await queryDueIndex(await doc(), tableName, OUTBOX_SHARD, now, limit);
      return items.map((item) => ({ job: item.job as NoticeJob, attempts: Number(item.attempts ?? 0) }));
    },
    async done(id) {
      const { DeleteCommand } = await documentSdk();
      await (await doc()).send(new DeleteCommand({ TableName: tableName, Key: { email: outboxKey(id) } }));
    },
    async retryAt(id, due, attempts) {
      const { UpdateCommand } = await documentSdk();
      await (await doc()).send(
        new UpdateCommand({
          TableName: tableName,
          Key: { email: outboxKey(id) },
          UpdateExpression: 'SET due = :due, attempts = :attempts',
          ConditionExpression: 'attribute_exists(email)',
          ExpressionAttributeValues: { ':due': due, ':attempts': attempts },
        }),
      ).catch((error: unknown) => {
        if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
      });
    },
  };
}

/** The same outbox in memory: unit tests and the simulation. `jobs` shows what is waiting. */
export function createMemoryOutbox(): Outbox & { waiting(): NoticeJob[] } {
  const entries = new Map<string, { job: NoticeJob; attempts: number; due: number }>();
  const copy = (job: NoticeJob) => JSON.parse(JSON.stringify(job)) as NoticeJob;
  return {
    async enqueue(job) {
      entries.set(job.id, { job: copy(job), attempts: 0, due: Date.parse(job.at) });
    },
    async due(now, limit) {
      return [...entries.values()]
        .filter((entry) => entry.due <= now)
        .sort((a, b) => a.due - b.due)
        .slice(0, limit)
        .map((entry) => ({ job: copy(entry.job), attempts: entry.attempts }));
    },
    async done(id) {
      entries.delete(id);
    },
    async retryAt(id, due, attempts) {
      const entry = entries.get(id);
      if (entry) entries.set(id, { ...entry, due, attempts });
    },
    waiting: () => [...entries.values()].map((entry) => copy(entry.job)),
  };
}
