import { createRouter } from './cloudfront';
import { deadLetterQueue, grants, LOGGING, mailEnvironment, NODE, type Infra } from './common';
import { createDrip } from './drip';
import { createNotices } from './notices';

/**
 * The Lambda functions: the API on a Function URL (optionally behind a custom
 * domain on CloudFront, infra/cloudfront.ts), the drip (infra/drip.ts) and the
 * feedback function on the SES topic. Each gets the environment variables
 * functions/config.ts reads, is linked to what it uses, and holds only the IAM
 * actions it calls.
 */
export function createFunctions(infra: Infra) {
  const { settings, table, email, topic, secrets } = infra;
  const can = grants(infra);
  const customBaseUrl = settings.apiDomain ? `https://${settings.apiDomain}` : undefined;
  const { apiDomain } = settings;
  if (apiDomain && !secrets.originSecret) throw new Error('API_DOMAIN needs the OriginSecret secret (sst.config.ts)');
  const router = apiDomain && secrets.originSecret ? createRouter({ ...settings, apiDomain }, secrets.originSecret) : undefined;
  const notices = createNotices(infra);

  const api = new sst.aws.Function('Api', {
    ...NODE,
    handler: 'functions/api.handler',
    // A person waits on every request. CPU share grows with memory, and 1 GB roughly halves a
    // cold start against 512 MB, for cents at this traffic (README.md, "What a month costs").
    memory: '1024 MB',
    // A request is a DynamoDB read, a conditional write and at most one SES call (~0.3 s);
    // 10 s bounds a stuck dependency well before a reader gives up.
    timeout: '10 seconds',
    // A ceiling on requests in flight (API_RESERVED_CONCURRENCY): a flood is throttled here and
    // cannot take the account's concurrency from the drip and the feedback function, which keep
    // the unreserved pool, nor bill past it (README.md, "What a month costs").
    ...(settings.apiReservedConcurrency ? { concurrency: { reserved: settings.apiReservedConcurrency } } : {}),
    // cors: false. Function URL CORS would answer every origin itself; the app allows only
    // ALLOWED_ORIGINS on /subscribe (functions/http/app.ts).
    url: router ? { cors: false, router: { instance: router } } : { cors: false },
    link: [
      table,
      secrets.tokenKeys,
      secrets.hashKey,
      ...(secrets.turnstile ? [secrets.turnstile] : []),
      ...(secrets.originSecret ? [secrets.originSecret] : []),
    ],
    // UpdateItem: the per-network rate-limit counters (adapters/rate-limiters.ts) and the course counters;
    // PutItem: single-use form tokens, preferences changes, votes, console sessions; DeleteItem: erasing a
    // reader's data from an emailed link (services/privacy.ts), signing out; BatchGetItem: the console's
    // counter items, by key (services/stats.ts). No Query, no Scan: the console never reads the list.
    // No SES: every email leaves through the notice queue (infra/notices.ts).
    permissions: [can.table(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchGetItem']), can.queue(notices.queue)],
    environment: {
      ...mailEnvironment(infra),
      ALLOWED_ORIGINS: settings.allowedOrigins,
      // The outbox: sign-up notices and data links are enqueued here, never sent while a reader waits.
      NOTICE_QUEUE_URL: notices.queue.url,
      // Without a custom domain the API derives links from the Function URL it is called on.
      ...(customBaseUrl ? { BASE_URL: customBaseUrl } : {}),
      // Cloudflare Turnstile on the form, only when the author set it up (both or neither).
      ...(secrets.turnstile ? { TURNSTILE_SITE_KEY: settings.turnstileSiteKey ?? '', TURNSTILE_SECRET: secrets.turnstile.value } : {}),
      // Behind CloudFront: refuse every request without CloudFront's secret header (functions/api.ts).
      ...(secrets.originSecret ? { ORIGIN_SECRET: secrets.originSecret.value } : {}),
    },
    logging: LOGGING,
  });

  const baseUrl = customBaseUrl ?? api.url.apply((url) => url.replace(/\/+$/, ''));
  createDrip(infra, baseUrl);
  notices.startWorker(baseUrl);

  const feedbackDeadLetters = deadLetterQueue('FeedbackDeadLetters');
  const feedback = new sst.aws.Function('Feedback', {
    ...NODE,
    handler: 'functions/feedback.handler',
    // No CPU work: parse JSON, verify one RSA signature, a few DynamoDB calls.
    memory: '256 MB',
    // A certificate fetch (3 s cap) plus a read and a write per recipient of a notification.
    timeout: '15 seconds',
    // SNS invokes asynchronously: a throttled table gets two more tries, then the event is kept.
    retries: 2,
    transform: {
      eventInvokeConfig: { destinationConfig: { onFailure: { destination: feedbackDeadLetters.arn } } },
    },
    link: [table],
    // UpdateItem: the breaker's daily bounce and complaint counters.
    permissions: [can.table(['GetItem', 'PutItem', 'UpdateItem']), can.queue(feedbackDeadLetters)],
    environment: { TABLE_NAME: table.name, FEEDBACK_TOPIC_ARN: topic.arn },
    logging: LOGGING,
  });
  // SNS -> Lambda: only this topic may invoke the function (a Lambda permission on its ARN),
  // and the function still checks the SNS signature and the topic ARN (functions/feedback.ts).
  topic.subscribe('Feedback', feedback.arn);

  return { url: router ? router.url : api.url };
}
