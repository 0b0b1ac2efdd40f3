import { createSign } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDynamoStore } from '../../functions/adapters/dynamo-store.js';
import { parseSnsMessage, stringToSign, type SnsMessage } from '../../functions/core/sns-message.js';
import { activate, newPending } from '../../functions/core/subscriber.js';
import { ESBUILD_TARGET, LAMBDA_RUNTIME } from '../../infra/runtime.js';
import { bundleFunctions, type BundleResult } from '../../scripts/bundle.js';
import { dynamoClient, freshTable, mailboxFor, lambdaEnv } from '../support/engines.js';
import { formEvent } from '../support/lambda-events.js';
import { startSqsStub } from '../support/sqs-stub.js';

/**
 * The Lambda bundles as a deploy ships them (scripts/bundle.ts), imported and
 * invoked with AWS event fixtures against dynalite and aws-ses-v2-local.
 * Sizes are printed by `npm run bundle`; only mjml's absence is asserted here.
 */
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const CERT = fixture('sns-test-signing-cert.TEST-ONLY.pem');
const KEY = fixture('sns-test-signing-key.TEST-ONLY.pem');
const context = { getRemainingTimeInMillis: () => 60_000 };

type Handler = (event: unknown, context?: unknown) => Promise<Record<string, unknown>>;
let bundles: BundleResult[];
let tableName: string;
let sqs: Awaited<ReturnType<typeof startSqsStub>>;

async function load(name: string): Promise<Handler> {
  const bundle = bundles.find((entry) => entry.name === name);
  if (!bundle) throw new Error(`no bundle ${name}; built: ${bundles.map((b) => b.name).join(', ')}`);
  const module = (await import(/* @vite-ignore */ pathToFileURL(bundle.file).href)) as { handler: Handler };
  return module.handler;
}

async function seedActive(email: string) {
  const at = new Date(Date.now() - 60_000);
  const consent = { at: at.toISOString(), ip: '203.0.113.7', userAgent: 'test', formVersion: 'v1' };
  const pending = newPending({ email, timezone: 'Europe/London', sendHour: 8, consent }, 'optin-1', at, 0);
  await createDynamoStore(dynamoClient(), tableName).put(activate(pending, at), null);
}

beforeAll(async () => {
  bundles = await bundleFunctions({ outDir: mkdtempSync(join(tmpdir(), 'let-go-bundles-')) });
  tableName = await freshTable(dynamoClient());
  sqs = await startSqsStub();
  const lambdaEvent = JSON.parse(fixture('sns-lambda-event.json'));
  Object.assign(process.env, {
    ...lambdaEnv(tableName),
    AWS_ENDPOINT_URL_SQS: sqs.url,
    NOTICE_QUEUE_URL: sqs.queueUrl,
    FEEDBACK_TOPIC_ARN: lambdaEvent.Records[0].Sns.TopicArn,
    // GetSendQuota is not answered locally: fall back fast to a generous rate.
    SES_FALLBACK_SEND_RATE: '50',
  });
  delete process.env.BASE_URL;
}, 120_000);
afterAll(() => sqs.stop());

describe('Lambda bundles', () => {
  it('builds one ESM bundle per entry point, and the API bundle holds no mjml and no email', () => {
    expect(bundles.map((bundle) => bundle.name)).toEqual(expect.arrayContaining(['api', 'drip', 'feedback', 'notice-worker']));
    const api = bundles.find((bundle) => bundle.name === 'api');
    expect(api?.inputs.some((input) => /node_modules\/mjml/.test(input))).toBe(false);
    // The API sends no email (the outbox does): it carries the lessons' days and subjects, no template.
    expect(api?.inputs.filter((input) => input.startsWith('build/'))).toEqual(['build/outline.json']);
    const code = readFileSync(api?.file ?? '', 'utf8');
    expect(code).not.toMatch(/mjml-core|mjml-parser/);
    expect(code.startsWith("import { createRequire } from 'module';")).toBe(true);
  });

  it('targets the runtime production runs, and leaves out only SDK packages that runtime ships', async () => {
    expect(LAMBDA_RUNTIME).toBe('nodejs24.x');
    expect(ESBUILD_TARGET).toBe(`node${LAMBDA_RUNTIME.match(/^nodejs(\d+)\.x$/)?.[1]}`);
    // nodejs18.x and later include the whole SDK v3 (@aws-sdk/*); nothing else may stay external.
    const externals = new Set<string>();
    for (const bundle of bundles) {
      const code = readFileSync(bundle.file, 'utf8');
      for (const [, name] of code.matchAll(/(?:from|import\()\s*["']([^"'./][^"']*)["']/g)) externals.add(name as string);
    }
    const packages = [...externals].filter((name) => !name.startsWith('node:') && name !== 'module');
    expect(packages.length).toBeGreaterThan(0);
    for (const name of packages) expect(name, name).toMatch(/^@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)$/);
  });

  it('api and notice-worker: a Function URL form post is enqueued; the worker stores the reader and mails the confirmation', async () => {
    const handler = await load('api');
    const result = await handler(formEvent('function-url-subscribe.json'), {});
    expect(result.statusCode).toBe(200);
    expect(sqs.messages).toHaveLength(1);
    // The worker's links use the API's URL (infra/notices.ts sets BASE_URL); it reads it at load.
    process.env.BASE_URL = 'https://abcdefghijklmnop.lambda-url.us-east-1.on.aws';
    const worker = await load('notice-worker');
    delete process.env.BASE_URL;
    expect(await worker(sqs.drain())).toEqual({ batchItemFailures: [] });
    const stored = await createDynamoStore(dynamoClient(), tableName).get('lambda.reader@example.com');
    expect(stored).toMatchObject({ status: 'pending', timezone: 'Europe/London' });
    const [mail] = await mailboxFor('lambda.reader@example.com');
    expect(mail?.body.text).toContain('https://abcdefghijklmnop.lambda-url.us-east-1.on.aws/confirm?t=');
  });

  it('drip: a scheduled event sends day 1 to a reader who is due', async () => {
    process.env.BASE_URL = 'https://abcdefghijklmnop.lambda-url.us-east-1.on.aws';
    await seedActive('bundle.drip@example.com');
    const handler = await load('drip');
    const summary = await handler({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event' }, context);
    expect(summary).toMatchObject({ sent: 1, failed: 0 });
    expect(await mailboxFor('bundle.drip@example.com')).toHaveLength(1);
  });

  it('drip-worker: a fan-out job runs its shards until its deadline', async () => {
    const handler = await load('drip-worker');
    const job = { shards: [0, 1, 2, 3], ratePerSecond: 5, deadline: Date.now() + 5_000 };
    expect(await handler(job, context)).toMatchObject({ failed: 0 });
  });

  it('feedback: a signed SNS record with a permanent bounce suppresses the reader', async () => {
    await seedActive('gone.reader@example.com');
    const event = JSON.parse(fixture('sns-lambda-event.json'));
    const record = event.Records[0].Sns;
    record.Message = fixture('ses-bounce-permanent.json');
    record.Signature = createSign('RSA-SHA256').update(stringToSign(parseSnsMessage(record) as SnsMessage)).sign(KEY, 'base64');
    // The certificate "from SNS": the bundle fetches it with the global fetch, which is faked here.
    const realFetch = globalThis.fetch;
    const fetchStub = vi.fn(async (url: string | URL | Request, init?: RequestInit) =>
      String(url) === record.SigningCertUrl ? new Response(CERT) : realFetch(url, init),
    );
    vi.stubGlobal('fetch', fetchStub);
    try {
      const handler = await load('feedback');
      expect(await handler(event)).toEqual({
        outcomes: [{ status: 'applied', kind: 'bounce', recipients: [{ email: 'g***@example.com', outcome: 'suppressed' }] }],
      });
      record.Message = record.Message.replace('Permanent', 'Transient');
      expect(await handler(event)).toEqual({ outcomes: [{ status: 'rejected', reason: 'bad-signature' }] });
    } finally {
      vi.unstubAllGlobals();
    }
    expect(fetchStub).toHaveBeenCalledTimes(1); // cached for the second message
    expect(await createDynamoStore(dynamoClient(), tableName).get('gone.reader@example.com')).toMatchObject({
      status: 'suppressed',
      suppressedReason: 'bounce: Permanent/General',
    });
  });

  it('feedback over HTTP: confirms the SNS subscription, answers a forgery with 403', async () => {
    const confirmation = JSON.parse(fixture('sns-subscription-confirmation.json'));
    // As shipped: signed by the TEST-ONLY key, signature version 2.
    const fetched: string[] = [];
    vi.stubGlobal('fetch', async (url: string | URL | Request) => {
      fetched.push(String(url));
      return new Response(String(url).endsWith('.pem') ? CERT : '<ConfirmSubscriptionResponse/>');
    });
    try {
      const handler = await load('feedback');
      const http = (body: object) => ({ body: Buffer.from(JSON.stringify(body)).toString('base64'), isBase64Encoded: true });
      expect(await handler(http(confirmation))).toMatchObject({ statusCode: 200, body: '{"status":"subscription-confirmed"}' });
      expect(fetched).toContain(confirmation.SubscribeURL);
      expect(await handler(http({ ...confirmation, Token: 'forged' }))).toMatchObject({ statusCode: 403 });
      expect(await handler({ body: 'not json' })).toMatchObject({ statusCode: 400 });
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('exports async handlers only: the nodejs24.x runtime refuses callback handlers', async () => {
    // Last: importing the drip bundles reads BASE_URL at load, which the API test above must not have.
    process.env.BASE_URL = 'https://abcdefghijklmnop.lambda-url.us-east-1.on.aws';
    for (const bundle of bundles) {
      const handler = await load(bundle.name);
      expect(handler.constructor.name, bundle.name).toBe('AsyncFunction');
      // (event, context): a third parameter would be the callback Node 24 no longer passes.
      expect(handler.length, bundle.name).toBeLessThanOrEqual(2);
    }
  });
});
