import { describe, expect, it } from 'vitest';
import { createDynamoOutbox, createMemoryOutbox } from '../../functions/adapters/outboxes.js';
import type { NoticeJob, Outbox } from '../../functions/ports.js';
import { dynamoClient, freshTable } from '../support/engines.js';

/** The durable outbox the local stack drains: memory and DynamoDB (dynalite) behave alike. */
const outboxes: Array<[string, () => Promise<Outbox>]> = [
  ['memory', async () => createMemoryOutbox()],
  ['dynamodb (dynalite)', async () => createDynamoOutbox(dynamoClient(), await freshTable(dynamoClient()))],
];

const job = (id: string, at: string): NoticeJob => ({ id, at, kind: 'resend', email: `${id}@example.com` });

describe.each(outboxes)('Outbox contract: %s', (_name, make) => {
  it('holds jobs until done, due oldest first, and retries later with the attempts counted', async () => {
    const outbox = await make();
    await outbox.enqueue(job('b', '2026-12-01T10:00:01Z'));
    await outbox.enqueue(job('a', '2026-12-01T10:00:00Z'));
    await outbox.enqueue(job('later', '2026-12-01T11:00:00Z'));
    const now = Date.parse('2026-12-01T10:30:00Z');
    expect((await outbox.due(now, 10)).map((entry) => entry.job.id)).toEqual(['a', 'b']);
    await outbox.done('a');
    await outbox.retryAt('b', now + 60_000, 1);
    expect(await outbox.due(now, 10)).toEqual([]);
    expect(await outbox.due(now + 60_000, 10)).toEqual([{ job: job('b', '2026-12-01T10:00:01Z'), attempts: 1 }]);
    // Retrying a job already done is harmless.
    await outbox.retryAt('a', now, 2);
    expect((await outbox.due(Date.parse('2026-12-01T12:00:00Z'), 10)).map((entry) => entry.job.id)).toEqual(['b', 'later']);
  });
});
