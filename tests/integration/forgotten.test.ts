import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDynamoStore } from '../../functions/adapters/dynamo-store.js';
import { createDynamoOutbox } from '../../functions/adapters/outboxes.js';
import { createDynamoRateLimiter } from '../../functions/adapters/rate-limiters.js';
import { REDUCE_AFTER_MS, suppressForFeedback } from '../../functions/core/subscriber.js';
import { createApp } from '../../functions/http/app.js';
import type { ServiceDeps } from '../../functions/services/deps.js';
import { sendDue } from '../../functions/services/send-due.js';
import { createCapturingMailer } from '../../functions/adapters/capturing-mailer.js';
import { dynamoClient, freshTable } from '../support/engines.js';
import { compiledCourse, parseMail, testClock, testConfig, withOutbox } from '../support/fixtures.js';

/**
 * The forgotten: after "Delete my data", and 30 days after leaving, the
 * address is nowhere in the table in clear: not in limiter keys, not in the
 * outbox, not in link mappings. Read with a Scan of the whole table (a test
 * may; the service never does).
 */
const EMAIL = 'forgotten.reader+news@example.com';
const MARKS = ['forgotten.reader', 'forgotten.reader@example.com'];

let env: Awaited<ReturnType<typeof stack>>;
async function stack() {
  const dynamo = dynamoClient();
  const table = await freshTable(dynamo);
  const mailer = createCapturingMailer();
  const clock = testClock('2026-12-01T12:00:00Z');
  const deps: ServiceDeps = {
    store: createDynamoStore(dynamo, table),
    limiter: createDynamoRateLimiter(dynamo, table),
    mailer,
    clock,
    course: compiledCourse,
    config: testConfig,
  };
  const notices = withOutbox(deps, createDynamoOutbox(dynamo, table));
  const app = createApp({ ...deps, clientIp: () => '198.51.100.23' });
  const documents = DynamoDBDocumentClient.from(dynamo);
  const scan = async () => ((await documents.send(new ScanCommand({ TableName: table }))).Items ?? []) as Array<Record<string, unknown>>;
  const post = async (path: string, fields: Record<string, string>, json = false) => {
    const res = await app.request(path, {
      method: 'POST',
      headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
      body: json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
    });
    await notices.settled();
    return res;
  };
  const lastLink = async (path: string) => {
    const mail = await parseMail(mailer.sent.at(-1)?.raw ?? '');
    return new RegExp(`${path}\\?t=([\\w.-]+)`).exec(mail.text ?? '')?.[1] ?? '';
  };
  return { deps, clock, mailer, scan, post, lastLink };
}

/** Items other than the reader's own record (whose key is the address by design). */
const elsewhere = (items: Array<Record<string, unknown>>) => items.filter((item) => item.email !== EMAIL);
const inClear = (items: Array<Record<string, unknown>>) => items.filter((item) => MARKS.some((mark) => JSON.stringify(item).includes(mark)));

beforeEach(async () => {
  env = await stack();
  await env.post('/subscribe', { email: EMAIL }, true);
  await env.post('/confirm', { t: await env.lastLink('/confirm') });
  await sendDue(env.deps);
});

describe('the forgotten', () => {
  it('limiter items are keyed by a keyed hash, never the address', async () => {
    const items = await env.scan();
    const limiters = items.filter((item) => String(item.email).startsWith('#rate#'));
    expect(limiters.length).toBeGreaterThan(0);
    // Only the link mapping carries the address besides the record (it is erased with it).
    expect(inClear(elsewhere(items)).map((item) => String(item.email).split('#')[1])).toEqual(['link']);
  });

  it('"Delete my data" leaves the address nowhere in the table', async () => {
    await env.post('/preferences/delete', { t: await env.lastLink('/preferences') });
    await env.post('/data', { t: await env.lastLink('/data') });
    expect(inClear(await env.scan())).toEqual([]);
  });

  it('30 days after unsubscribing, the drip reduces the record to a keyed hash, the date and the reason', async () => {
    await env.post('/unsubscribe', { t: await env.lastLink('/unsubscribe') });
    env.clock.advance(REDUCE_AFTER_MS - 60_000);
    await sendDue(env.deps);
    expect((await env.scan()).some((item) => item.email === EMAIL)).toBe(true);
    env.clock.advance(120_000);
    await sendDue(env.deps);
    const items = await env.scan();
    expect(inClear(items)).toEqual([]);
    const kept = items.filter((item) => String(item.email).startsWith('#suppressed#'));
    expect(kept).toEqual([{ email: expect.any(String), hash: expect.any(String), status: 'unsubscribed', at: '2026-12-01T12:00:00.000Z', reason: 'unsubscribed' }]);
    // Signing up again is a new double opt-in.
    const before = env.mailer.sent.length;
    await env.post('/subscribe', { email: EMAIL }, true);
    expect(env.mailer.sent.length).toBe(before + 1);
  });

  it('a bounced address, reduced, is still never mailed again', async () => {
    // What the feedback function does on a permanent bounce (services/feedback.ts).
    const sub = await env.deps.store.get(EMAIL);
    if (!sub) throw new Error('no record');
    await env.deps.store.put(suppressForFeedback(sub, env.clock.now(), 'bounce: Permanent/General'), sub.version);
    env.clock.advance(REDUCE_AFTER_MS + 60_000);
    await sendDue(env.deps);
    expect(inClear(await env.scan())).toEqual([]);
    const before = env.mailer.sent.length;
    env.clock.advance(11 * 60_000);
    await env.post('/subscribe', { email: EMAIL }, true);
    expect(env.mailer.sent.length).toBe(before);
  });
});
