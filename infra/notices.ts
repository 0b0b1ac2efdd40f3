import { deadLetterQueue, grants, LOGGING, mailEnvironment, NODE, type Infra } from './common';

/** Must equal MAX_RECEIVES in functions/notice-worker.ts: its last try frees what the job held. */
export const NOTICE_RECEIVES = 5;

/**
 * The outbox (DESIGN.md): the API only enqueues a sign-up's notice on this
 * queue and answers; the worker decides and sends it, with SQS's retries, and
 * a job that fails every one of them is kept 14 days in the dead-letter queue.
 * Lambda polls the queue: the worker has no endpoint at all.
 */
export function createNotices(infra: Infra) {
  const deadLetters = deadLetterQueue('NoticeDeadLetters');
  const queue = new sst.aws.Queue('Notices', {
    // Six times the worker's timeout (AWS's advice for Lambda consumers): a job in work never reappears.
    visibilityTimeout: '3 minutes',
    dlq: { queue: deadLetters.arn, retry: NOTICE_RECEIVES },
  });
  // The worker writes links, so it learns their base once the API (which enqueues here) exists.
  const startWorker = (baseUrl: $util.Input<string>) => subscribeWorker(infra, queue, baseUrl);
  return { queue, deadLetters, startWorker };
}

function subscribeWorker(infra: Infra, queue: sst.aws.Queue, baseUrl: $util.Input<string>) {
  const { table, email, secrets } = infra;
  const can = grants(infra);
  queue.subscribe(
    {
      ...NODE,
      handler: 'functions/notice-worker.handler',
      // I/O only: a few DynamoDB calls and one SES call per notice.
      memory: '256 MB',
      timeout: '30 seconds',
      link: [table, email, secrets.tokenKeys, secrets.hashKey],
      // GetItem/PutItem: the reader's record and its link mapping; UpdateItem: the per-address limiter
      // and the breaker's send counts; BatchGetItem: none; no Query, no Scan, no DeleteItem.
      permissions: [can.table(['GetItem', 'PutItem', 'UpdateItem']), can.sendMail],
      environment: { ...mailEnvironment(infra), BASE_URL: baseUrl },
      logging: LOGGING,
    },
    // One job at a time is a few hundred ms; a batch of 10 with partial failures retries only the failed.
    { batch: { size: 10, window: '0 seconds', partialResponses: true } },
  );
}
