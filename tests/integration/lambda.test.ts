import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDynamoStore } from '../../functions/adapters/dynamo-store.js';
import { dynamoClient, freshTable, mailboxFor } from '../support/engines.js';

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
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoUrl'),
    AWS_ENDPOINT_URL_SES: inject('sesUrl'),
    TABLE_NAME: tableName,
    MAIL_FROM: 'Let Go <course@letgo.test>',
    UNSUBSCRIBE_MAILTO: 'mailto:unsubscribe@letgo.test',
    TOKEN_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
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
});
