import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDynamoStore } from '../../functions/adapters/dynamo-store.js';
import { createDynamoHealthStore } from '../../functions/adapters/health-stores.js';
import { activate } from '../../functions/core/subscriber.js';
import { dynamoClient, freshTable, mailboxFor, lambdaEnv } from '../support/engines.js';
import { formEvent } from '../support/lambda-events.js';
import { startSqsStub } from '../support/sqs-stub.js';

/**
 * The deployed shape: the Lambda entry points built by their composition root
 * from environment variables, invoked with AWS event fixtures, against the
 * local engines through the real SDK.
 */
type Result = { statusCode: number; body: string; headers: Record<string, string> };
let tableName: string;
let sqs: Awaited<ReturnType<typeof startSqsStub>>;
const fixture = formEvent;
const event = fixture('function-url-subscribe.json');

/** What the API enqueued, delivered to the notice worker as SQS would deliver it. */
async function deliverQueued() {
  // As infra/notices.ts sets it: the worker's links use the API's URL (here the fixture's Function URL).
  const own = process.env.BASE_URL;
  process.env.BASE_URL ??= 'https://abcdefghijklmnop.lambda-url.us-east-1.on.aws';
  const { handler } = await import('../../functions/notice-worker.js');
  if (own === undefined) delete process.env.BASE_URL;
  return handler(sqs.drain());
}

beforeAll(async () => {
  // No BASE_URL: links use the Function URL the request came in on.
  delete process.env.BASE_URL;
  tableName = await freshTable(dynamoClient());
  sqs = await startSqsStub();
  Object.assign(process.env, {
    ...lambdaEnv(tableName),
    AWS_ENDPOINT_URL_SQS: sqs.url,
    NOTICE_QUEUE_URL: sqs.queueUrl,
    AUTHOR_EMAIL: 'robin.author@example.com',
  });
});
afterAll(() => sqs.stop());

describe('functions/api.ts handler', () => {
  it('serves a Function URL event: the form post is enqueued; the worker stores a pending reader and mails them', async () => {
    const { handler } = await import('../../functions/api.js');
    const result = (await handler(event, {} as never)) as { statusCode: number; body: string; headers: Record<string, string> };
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('Check your inbox');
    expect(result.headers['referrer-policy']).toBe('no-referrer');
    // The API stored nothing and sent nothing: it enqueued one job.
    expect(await createDynamoStore(dynamoClient(), tableName).get('lambda.reader@example.com')).toBeUndefined();
    expect(sqs.messages).toHaveLength(1);
    expect(await deliverQueued()).toEqual({ batchItemFailures: [] });

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

/** A Function URL request as the fixture's, to another path of the app. */
function request(method: 'GET' | 'POST', path: string, form?: Record<string, string>, cookie?: string) {
  const query = path.split('?')[1] ?? '';
  const body = form ? Buffer.from(new URLSearchParams(form).toString()).toString('base64') : undefined;
  return {
    ...event,
    rawPath: path.split('?')[0],
    rawQueryString: query,
    headers: { ...event.headers, ...(cookie ? { cookie } : {}) },
    cookies: cookie ? [cookie] : undefined,
    requestContext: { ...event.requestContext, http: { ...(event.requestContext as { http: object }).http, method, path: path.split('?')[0] } },
    body,
    isBase64Encoded: Boolean(body),
  };
}

describe("the author's console on the API bundle", () => {
  it('signs the author in through the outbox, and shows the funnel from the lessons the API does not carry', async () => {
    const { handler } = await import('../../functions/api.js');
    const asked = (await handler(request('POST', '/admin/link', { email: 'robin.author@example.com' }) as never, {} as never)) as Result;
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('a sign-in link is on its way');
    expect(await deliverQueued()).toEqual({ batchItemFailures: [] });
    const [mail] = await mailboxFor('robin.author@example.com');
    const token = /\/admin\/sign-in\?t=([\w.-]+)/.exec(mail?.body.text ?? '')?.[1] ?? '';
    const signedIn = (await handler(request('POST', '/admin/sign-in', { t: token }) as never, {} as never)) as Result & { cookies?: string[] };
    expect(signedIn.statusCode).toBe(303);
    const cookie = (signedIn.cookies?.[0] ?? signedIn.headers['set-cookie'] ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^__Host-letgo-author=/);
    const funnel = (await handler(request('GET', '/admin/funnel', undefined, cookie) as never, {} as never)) as Result;
    expect(funnel.statusCode).toBe(200);
    expect(funnel.body).toContain('21. ');
  });
});

describe('functions/api.ts handler without API_DOMAIN', () => {
  it("keys the reader on the Function URL's source address, ignoring a viewer header anyone can send", async () => {
    const { handler } = await import('../../functions/api.js');
    const result = (await handler(fixture('function-url-forged-viewer.json'), {} as never)) as Result;
    expect(result.statusCode).toBe(200);
    await deliverQueued();
    const record = await createDynamoStore(dynamoClient(), tableName).get('forged.reader@example.com');
    expect(record?.consent.ip).toBe('203.0.113.66');
  });
});

describe('functions/api.ts handler behind CloudFront (API_DOMAIN)', () => {
  const current = fixture('cloudfront-subscribe.json');
  const previous = fixture('cloudfront-subscribe-previous-secret.json');
  let handler: (event: unknown, context: never) => Promise<unknown>;

  beforeAll(async () => {
    // As infra/functions.ts sets it: the current secret first, the previous one during a rotation.
    process.env.ORIGIN_SECRET = `${current.headers['x-letgo-origin-secret']},${previous.headers['x-letgo-origin-secret']}`;
    process.env.BASE_URL = 'https://course.letgo.test';
    vi.resetModules();
    ({ handler } = (await import('../../functions/api.js')) as unknown as { handler: typeof handler });
  });
  afterAll(() => {
    delete process.env.ORIGIN_SECRET;
    delete process.env.BASE_URL;
    vi.resetModules();
  });

  it("through CloudFront: records the viewer's address CloudFront saw, not CloudFront's own", async () => {
    const result = (await handler(current, {} as never)) as Result;
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('Check your inbox');
    await deliverQueued();
    const record = await createDynamoStore(dynamoClient(), tableName).get('cloudfront.reader@example.com');
    expect(record?.consent.ip).toBe('2001:db8:85a3::8a2e:370:7334');
    const [mail] = await mailboxFor('cloudfront.reader@example.com');
    expect(mail?.body.text).toContain('https://course.letgo.test/confirm?t=');
  });

  it('accepts the previous secret while a rotation reaches every edge', async () => {
    const result = (await handler(previous, {} as never)) as Result;
    expect(result.statusCode).toBe(200);
    await deliverQueued();
    const record = await createDynamoStore(dynamoClient(), tableName).get('rotation.reader@example.com');
    expect(record?.consent.ip).toBe('198.51.100.77');
  });

  it.each([
    ['a direct hit on the Function URL', 'function-url-subscribe.json', 'lambda.reader@example.com'],
    ['a forged viewer header with a guessed secret', 'function-url-forged-viewer.json', 'forged.reader@example.com'],
  ])('refuses %s: a plain 403, nothing stored, nothing sent', async (_label, name, email) => {
    const request = fixture(name);
    const before = await createDynamoStore(dynamoClient(), tableName).get(email);
    const mails = (await mailboxFor(email)).length;
    request.body = Buffer.from(`email=${encodeURIComponent(email)}&timezone=UTC&send_hour=9`).toString('base64');
    const result = (await handler(request, {} as never)) as Result;
    expect(result.statusCode).toBe(403);
    expect(result.body).toBe('Forbidden');
    expect(sqs.messages).toHaveLength(0);
    expect(await createDynamoStore(dynamoClient(), tableName).get(email)).toEqual(before);
    expect(await mailboxFor(email)).toHaveLength(mails);
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
