import { deadLetterQueue, grants, LOGGING, mailEnvironment, NODE, type Infra } from './common';
import { DUE_INDEX } from './storage';

/**
 * The drip: a cron every minute (functions/drip.ts) that sends inline, or fans
 * out over workers (functions/drip-worker.ts) when SES allows more than one
 * process can send (services/fan-out.ts). Neither is retried by Lambda: the
 * next minute's run is the retry, and a failure lands in the dead-letter queue.
 */
export function createDrip(infra: Infra, baseUrl: $util.Input<string>) {
  const { table, email, secrets } = infra;
  const can = grants(infra);
  const deadLetters = deadLetterQueue('DripDeadLetters');
  // DeleteItem: retention reduces a reader who left 30 days ago (their record, link and votes go).
  const readWrite = can.table(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchGetItem', 'Query'], [table.arn, $interpolate`${table.arn}/index/${DUE_INDEX}`]);
  const environment = { ...mailEnvironment(infra), BASE_URL: baseUrl };
  const common: Omit<sst.aws.FunctionArgs, 'handler'> = {
    ...NODE,
    // I/O bound (DynamoDB and SES round trips, one small MIME build per lesson): 512 MB is plenty.
    memory: '512 MB',
    // A pass stops claiming 10 s before its deadline (reserveMs), so it ends by ~45 s and
    // never overlaps the next minute's run; workers stop at the same absolute deadline.
    timeout: '55 seconds',
    retries: 0,
    transform: {
      eventInvokeConfig: {
        // A trigger or job that waited a minute in Lambda's queue is stale: the next run covers it.
        maximumEventAgeInSeconds: 60,
        destinationConfig: { onFailure: { destination: deadLetters.arn } },
      },
    },
    link: [table, email, secrets.tokenKeys],
    environment,
    logging: LOGGING,
  };

  const worker = new sst.aws.Function('DripWorker', {
    ...common,
    handler: 'functions/drip-worker.handler',
    permissions: [readWrite, can.sendMail, can.queue(deadLetters)],
  });

  const cron = new sst.aws.CronV2('Drip', {
    schedule: 'rate(1 minute)',
    // Scheduler retries a failed invoke (throttling, a service error), then parks the event.
    retries: 2,
    dlq: deadLetters.arn,
    function: {
      ...common,
      handler: 'functions/drip.handler',
      environment: { ...environment, DRIP_WORKER_FUNCTION: worker.name },
      permissions: [
        readWrite,
        can.sendMail,
        // MaxSendRate and the daily quota pace each run (DESIGN.md, Scale): a read-only account call.
        { actions: ['ses:GetSendQuota'], resources: ['*'] },
        { actions: ['lambda:InvokeFunction'], resources: [worker.arn] },
        can.queue(deadLetters),
      ],
    },
  });
  return { cron, worker, deadLetters };
}
