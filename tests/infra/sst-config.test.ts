import { CreateTableCommand, ResourceNotFoundException, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DUE_INDEX, ensureTable } from '../../functions/adapters/dynamo-store.js';
import { loadConfig as loadAppConfig } from '../../functions/config.js';
import { cleanUpAfterEach, deploy, ENV, type FunctionArgs } from './deploy.js';

/**
 * sst.config.ts for stage prod, evaluated offline against recording stubs of
 * SST's globals (tests/infra/stubs.ts). Options and a dev stage:
 * sst-config-options.test.ts. The type-check against SST's real platform
 * types is `npm run typecheck:infra`.
 */
cleanUpAfterEach();
const prod = (env?: Record<string, string>) => deploy('prod', env);

describe('sst.config.ts, stage prod', () => {
  it('keeps production data: retain, protect, deletion protection, point-in-time recovery', async () => {
    const { config, find } = await prod();
    expect(config.app({ stage: 'prod' })).toMatchObject({ name: 'let-go', home: 'aws', removal: 'retain', protect: true });
    const table = find('sst.aws.Dynamo', 'Subscribers').args;
    expect(table).toMatchObject({
      ttl: 'expiresAt',
      deletionProtection: true,
      transform: { table: { pointInTimeRecovery: { enabled: true } } },
    });
  });

  it('defines the table and due index exactly as ensureTable creates them locally', async () => {
    const table = (await prod()).find('sst.aws.Dynamo', 'Subscribers').args;
    let created: CreateTableCommandInput | undefined;
    const client = {
      send: async (command: unknown) => {
        if (command instanceof CreateTableCommand) created = command.input;
        // Described: missing before the create, ACTIVE after it (ensureTable waits for that).
        else if (created) return { Table: { TableName: 'local', TableStatus: 'ACTIVE' } };
        else throw new ResourceNotFoundException({ message: 'none', $metadata: {} });
      },
    } as unknown as DynamoDBClient;
    await ensureTable(client, 'local');

    const types = Object.fromEntries((created?.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType === 'S' ? 'string' : 'number']));
    expect(table.fields).toEqual(types);
    expect(table.primaryIndex).toEqual({ hashKey: created?.KeySchema?.[0]?.AttributeName });
    const [gsi] = created?.GlobalSecondaryIndexes ?? [];
    expect(Object.keys(table.globalIndexes as object)).toEqual([DUE_INDEX]);
    expect((table.globalIndexes as Record<string, unknown>)[DUE_INDEX]).toEqual({
      hashKey: gsi?.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName,
      rangeKey: gsi?.KeySchema?.find((k) => k.KeyType === 'RANGE')?.AttributeName,
      projection: gsi?.Projection?.ProjectionType?.toLowerCase(),
    });
  });

  it('sends from a domain identity with DMARC whose bounces and complaints reach the feedback function over SNS', async () => {
    const { find, subscriptions, outputs } = await prod();
    expect(find('sst.aws.Email', 'Mail').args).toMatchObject({
      sender: 'mail.letgo.test',
      dmarc: expect.stringMatching(/^v=DMARC1; p=/),
      mailFrom: { domain: 'bounce.mail.letgo.test' },
      events: [{ name: 'Feedback', types: ['bounce', 'complaint'], topic: '<MailFeedback.arn>' }],
    });
    expect(find('sst.aws.Email', 'Mail').args.dns).toBeUndefined(); // Route 53 by default
    // SNS signs with SHA256 (version 2): the feedback function refuses version 1.
    expect(find('sst.aws.SnsTopic', 'MailFeedback').args).toMatchObject({ transform: { topic: { signatureVersion: 2 } } });
    const policy = JSON.parse(find('aws.sns.TopicPolicy', 'MailFeedbackPolicy').args.policy as string);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'ses.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: '<MailFeedback.arn>',
        Condition: { StringEquals: { 'AWS:SourceAccount': '<caller.accountId>' } },
      }),
    ]);
    expect(subscriptions.filter((s) => s.topic === 'MailFeedback')).toEqual([{ topic: 'MailFeedback', name: 'Feedback', subscriber: '<Feedback.arn>', args: undefined }]);
    // The outbox: the notice worker on the Notices queue, partial batch failures, a dead-letter queue after 5 tries.
    expect(subscriptions.find((s) => s.topic === 'Notices')?.args).toEqual({ batch: { size: 10, window: '0 seconds', partialResponses: true } });
    expect(find('sst.aws.Queue', 'Notices').args).toMatchObject({ visibilityTimeout: '3 minutes', dlq: { queue: '<NoticeDeadLetters.arn>', retry: 5 } });
    expect(outputs.dnsRecords).toContain('TXT _dmarc.mail.letgo.test "v=DMARC1; p=none; adkim=s;"');
  });

  it('runs the drip every minute with retries and a dead-letter queue, and fans out to its worker', async () => {
    const { find, cronFunction, fn } = await prod();
    expect(find('sst.aws.CronV2', 'Drip').args).toMatchObject({
      schedule: 'rate(1 minute)',
      retries: 2,
      dlq: '<DripDeadLetters.arn>',
    });
    const drip = cronFunction();
    expect(drip).toMatchObject({ handler: 'functions/drip.handler', timeout: '55 seconds', retries: 0 });
    expect(drip.transform).toMatchObject({ eventInvokeConfig: { destinationConfig: { onFailure: { destination: '<DripDeadLetters.arn>' } } } });
    expect(drip.environment).toMatchObject({ BASE_URL: '<Api.url>', DRIP_WORKER_FUNCTION: '<DripWorker.name>' });
    expect(fn('DripWorker')).toMatchObject({ handler: 'functions/drip-worker.handler', retries: 0 });
    expect(find('sst.aws.Queue', 'DripDeadLetters').args).toMatchObject({ transform: { queue: { messageRetentionSeconds: 1_209_600 } } });
  });

  it('grants each function only the actions it calls', async () => {
    const { fn, cronFunction, noticeWorker } = await prod();
    const grants = (args: FunctionArgs) =>
      Object.fromEntries(args.permissions.flatMap(({ actions, resources }) => actions.map((action) => [action, resources])));
    const table = '<Subscribers.arn>';
    const mail = ['arn:aws:ses:<region>:<caller.accountId>:identity/*', '<Mail.nodes.configurationSet.arn>'];
    expect(grants(fn('Api'))).toEqual({
      'dynamodb:GetItem': [table],
      'dynamodb:PutItem': [table],
      'dynamodb:UpdateItem': [table], // rate-limit counters
      'dynamodb:DeleteItem': [table], // a reader deleting their data, the author signing out
      'dynamodb:BatchGetItem': [table], // the console's counter items, by key: never a Query or a Scan
      'sqs:SendMessage': ['<Notices.arn>'], // every email leaves through the outbox: no SES here
    });
    expect(grants(noticeWorker())).toEqual({
      'dynamodb:GetItem': [table],
      'dynamodb:PutItem': [table],
      'dynamodb:UpdateItem': [table], // per-address limits, the breaker's send counts
      'ses:SendRawEmail': mail,
    });
    const index = [table, `${table}/index/due-index`];
    expect(grants(cronFunction())).toEqual({
      'dynamodb:GetItem': index,
      'dynamodb:PutItem': index,
      'dynamodb:UpdateItem': index, // the circuit breaker's send counters, the course counters
      'dynamodb:DeleteItem': index, // retention reduces a reader who left (record, link, votes)
      'dynamodb:BatchGetItem': index, // the breaker reads a week of counters; the digest its figures
      'dynamodb:Query': index,
      'ses:SendRawEmail': mail,
      'ses:GetSendQuota': ['*'],
      'lambda:InvokeFunction': ['<DripWorker.arn>'],
      'sqs:SendMessage': ['<DripDeadLetters.arn>'],
    });
    expect(Object.keys(grants(fn('DripWorker')))).not.toContain('ses:GetSendQuota');
    expect(grants(fn('Feedback'))).toEqual({
      'dynamodb:GetItem': [table],
      'dynamodb:PutItem': [table],
      'dynamodb:UpdateItem': [table],
      'sqs:SendMessage': ['<FeedbackDeadLetters.arn>'],
    });
  });

  it('links carry names only: the broad grants of Dynamo and Email links are replaced', async () => {
    const { wraps, fn, noticeWorker } = await prod();
    expect(wraps.map((wrap) => wrap.type).sort()).toEqual(['sst.aws.Dynamo', 'sst.aws.Email']);
    for (const wrap of wraps) expect(wrap.definition({ name: 'n', sender: 's', configSet: 'c' })).not.toHaveProperty('include');
    expect(fn('Api').link).toEqual(['sst.aws.Dynamo:Subscribers', 'sst.Secret:TokenKeys', 'sst.Secret:HashKey']);
    expect(noticeWorker().link).toEqual(['sst.aws.Dynamo:Subscribers', 'sst.aws.Email:Mail', 'sst.Secret:TokenKeys', 'sst.Secret:HashKey']);
    expect(fn('Feedback').link).toEqual(['sst.aws.Dynamo:Subscribers']);
  });

  it('hands each function the environment functions/config.ts accepts', async () => {
    const { fn, cronFunction, noticeWorker } = await prod();
    const api = fn('Api');
    expect(api).toMatchObject({ url: { cors: false }, memory: '1024 MB', timeout: '10 seconds', runtime: 'nodejs24.x' });
    expect(api.environment).toMatchObject({ TOKEN_KEYS: '<TokenKeys.value>', HASH_KEY: '<HashKey.value>', NOTICE_QUEUE_URL: '<Notices.url>' });
    expect(api.environment).not.toHaveProperty('ADMIN_TOKEN');
    expect(api.environment).not.toHaveProperty('BASE_URL'); // derived from the Function URL per request
    expect(noticeWorker().environment).toMatchObject({ BASE_URL: '<Api.url>', HASH_KEY: '<HashKey.value>' });
    const envs = [
      { ...api.environment, BASE_URL: 'https://x.lambda-url.us-east-1.on.aws' },
      { ...cronFunction().environment, BASE_URL: 'https://x.test' },
      { ...noticeWorker().environment, BASE_URL: 'https://x.test' },
    ];
    for (const env of envs) {
      const config = loadAppConfig({ ...env, TOKEN_KEYS: `k1:${Buffer.alloc(32).toString('base64')}`, HASH_KEY: Buffer.alloc(32).toString('base64') });
      expect(config).toMatchObject({ tableName: '<Subscribers.name>', mailFrom: ENV.MAIL_FROM, replyTo: ENV.REPLY_TO, unsubscribeMailto: ENV.UNSUBSCRIBE_MAILTO });
    }
    expect(fn('Feedback').environment).toEqual({ TABLE_NAME: '<Subscribers.name>', FEEDBACK_TOPIC_ARN: '<MailFeedback.arn>' });
  });

  it('grants dynamodb:Scan to no function, only to the author\'s own commands (a policy to attach to their user)', async () => {
    const { fn, cronFunction, noticeWorker, find, outputs, resources } = await prod({ AUTHOR_EMAIL: 'robin@letgo.test' });
    const functions = [fn('Api'), fn('DripWorker'), fn('Feedback'), cronFunction(), noticeWorker()];
    for (const args of functions) expect(args.permissions.flatMap((p) => p.actions), args.handler).not.toContain('dynamodb:Scan');
    const policy = JSON.parse(find('aws.iam.Policy', 'AuthorCommands').args.policy as string);
    expect(policy.Statement).toContainEqual({ Sid: 'RecountScan', Effect: 'Allow', Action: ['dynamodb:Scan'], Resource: ['<Subscribers.arn>'] });
    expect(outputs.authorPolicy).toBe('<AuthorCommands.arn>');
    expect(resources.filter((r) => r.type === 'sst.Secret').map((r) => r.name)).not.toContain('AdminToken');
    // The console, the sign-in links and the digest all learn who the author is.
    for (const args of [fn('Api'), cronFunction(), noticeWorker()]) {
      expect(args.environment).toMatchObject({ AUTHOR_EMAIL: 'robin@letgo.test', AUTHOR_TIMEZONE: 'UTC', DIGEST_HOUR: '8' });
    }
  });

  it('points every handler at an entry point that exists and exports `handler`', async () => {
    const { resources, cronFunction, noticeWorker } = await prod();
    const handlers = [...resources.filter((r) => r.type === 'sst.aws.Function').map((r) => r.args.handler as string), cronFunction().handler, noticeWorker().handler];
    expect(handlers.sort()).toEqual([
      'functions/api.handler',
      'functions/drip-worker.handler',
      'functions/drip.handler',
      'functions/feedback.handler',
      'functions/notice-worker.handler',
    ]);
    for (const handler of handlers) {
      const file = new URL(`../../${handler.replace(/\.handler$/, '.ts')}`, import.meta.url);
      expect(existsSync(file), handler).toBe(true);
      expect(readFileSync(file, 'utf8')).toMatch(/export (async function|const) handler\b/);
    }
  });

});
