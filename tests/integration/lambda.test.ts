import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoStore } from '../../functions/adapters/dynamo-store.js';
import { createDynamoHealthStore } from '../../functions/adapters/health-stores.js';
import { activate } from '../../functions/core/subscriber.js';
import { dynamoClient, freshTable, mailboxFor, lambdaEnv } from '../support/engines.js';

/**
 * The deployed shape: the Lambda entry points built by their composition root
 * from environment variables, invoked with AWS event fixtures, against the
 * local engines through the real SDK.
 */
const event = JSON.parse(readFileSync(new URL('../fixtures/function-url-subscribe.json', import.meta.url), 'utf8'));
let tableName: string;

beforeAll(async () => {
  // No BASE_URL: links use the Function URL the request came in on.
  delete process.env.BASE_URL;
  tableName = await freshTable(dynamoClient());
  Object.assign(process.env, {
    ...lambdaEnv(tableName),
  });
});

describe('functions/api.ts handler', () => {
  it('serves a Function URL event: the form post stores a pending reader and mails them', async () => {
    const { handler } = await import('../../functions/api.js');
    const result = (await handler(event, {} as never)) as { statusCode: number; body: string; headers: Record<string, string> };
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('Check your inbox');
    expect(result.headers['referrer-policy']).toBe('no-referrer');

    const record = await createDynamoStore(dynamoClient(), tableName).get('lambda.reader@example.com');
    expect(record).toMatchObject({
      status: 'pending',
      firstName: 'Rea',
      timezone: 'Europe/London',
      sendHour: 7,
      consent: { ip: '198.51.100.23', userAgent: expect.stringContaining('iPhone') },
    });
    const [mail] = await mailboxFor('lambda.reader@example.com');
    expect(mail?.body.text).toContain('https://abcdefghijklmnop.lambda-url.us-east-1.on.aws/confirm?t=');
  });
});

describe('functions/drip.ts handler', () => {
  it('runs one pass and returns its summary', async () => {
    process.env.BASE_URL = 'https://abcdefghijklmnop.lambda-url.us-east-1.on.aws';
    const { handler } = await import('../../functions/drip.js');
    const summary = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, { getRemainingTimeInMillis: () => 60_000 });
    expect(summary).toMatchObject({ claimed: 0, sent: 0, failed: 0, stoppedEarly: false });
  });

  it('sends nothing while the circuit breaker is open, and says why', async () => {
    const health = createDynamoHealthStore(dynamoClient(), tableName);
    const store = createDynamoStore(dynamoClient(), tableName);
    const pending = await store.get('lambda.reader@example.com');
    if (!pending) throw new Error('the form test should have stored a reader');
    await store.put(activate(pending, new Date()), pending.version);
    await health.saveBreaker({ state: 'open', reason: 'bounce rate 7.00% (70 of 1000 recent sends) is over 5.00%', version: 0 }, 0);
    const { handler } = await import('../../functions/drip.js');
    const summary = await handler({}, { getRemainingTimeInMillis: () => 60_000 });
    expect(summary).toMatchObject({ mode: 'paused', paused: true, sent: 0, reason: expect.stringContaining('bounce rate') });
    expect((await store.get('lambda.reader@example.com'))?.sends).toEqual([]);
  });
});
