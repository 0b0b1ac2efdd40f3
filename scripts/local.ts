import { createAdaptorServer } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Hono } from 'hono';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { lazyDynamoClient } from '../functions/adapters/aws-sdk.js';
import { createDynamoStore } from '../functions/adapters/dynamo-store.js';
import { createDynamoOutbox } from '../functions/adapters/outboxes.js';
import { normalizeEmail } from '../functions/core/subscriber.js';
import { createApp } from '../functions/http/app.js';
import { fullCourse } from '../functions/course.js';
import { createRuntime } from '../functions/runtime.js';
import { createNoticeRunner } from '../functions/services/outbox-runner.js';
import { checkAuthorMail } from '../functions/services/digest.js';
import { signInUrl } from '../functions/services/author.js';
import { sendDue } from '../functions/services/send-due.js';
import { clockStart, describeClock, keepClock, loadClock, runningClock } from './local-clock.js';
import { appEnv, DATA_DIR, DYNAMO_PORT, parseSpeed, PORT, SES_PORT } from './local-env.js';
import { closeServer, createTableIn, engineEnv, listen, localDynamoClient, PortInUseError, startDynalite } from './local-stack.js';
import { startMailbox } from './mailbox/mailbox-server.js';
import { claimStack, StackRunningError } from './stack-file.js';

/** `npm start`: the whole service on one machine, with no AWS account. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'reset-clock': { type: 'boolean', default: false } } });
  const speed = parseSpeed(process.env.CLOCK_SPEED);
  const scheduler = process.env.SCHEDULER !== 'off';
  // First, before any port is touched: a second start on this data dir names the first one.
  const claim = claimStack(DATA_DIR);
  const stops: Array<() => Promise<void>> = [];
  // Stopped in reverse order of starting: the drip timer first, dynalite last.
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const ownDynamo = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    const dynamo = ownDynamo ? { url: ownDynamo } : await startDynalite(DYNAMO_PORT, join(DATA_DIR, 'dynamo'));
    if ('stop' in dynamo) stops.push(dynamo.stop);
    // Released before dynalite closes: whatever happens there, the data dir is free again.
    stops.push(async () => claim.release());

    // Emailed links must name the app's real port, so it listens before the runtime is built.
    let app: Hono | undefined;
    const server = createAdaptorServer({ fetch: (request, env) => (app as Hono).fetch(request, env) }) as Server;
    const appPort = await listen(server, PORT, 'the app, PORT');
    stops.push(() => closeServer(server));

    const tableName = appEnv(appPort).TABLE_NAME as string;
    // Built on first use, once the SDK settings below are in place.
    const readers = createDynamoStore(async () => localDynamoClient(dynamo.url), tableName);
    const mailbox = await startMailbox({
      port: SES_PORT,
      file: join(DATA_DIR, 'mailbox.jsonl'),
      zoneOf: async (address) => (await readers.get(normalizeEmail(address)))?.timezone,
    });
    stops.push(mailbox.stop);
    Object.assign(process.env, engineEnv({ dynamoUrl: dynamo.url, sesUrl: mailbox.url }), appEnv(appPort));
    await createTableIn(dynamo.url, tableName).catch((error: unknown) => {
      throw new Error(`DynamoDB at ${dynamo.url} did not answer (${error instanceof Error ? error.message : String(error)})`);
    });

    const realStart = Date.now();
    const start = clockStart(loadClock(DATA_DIR), speed, realStart, values['reset-clock']);
    const clock = runningClock(speed, start.simStart, realStart);
    const kept = keepClock(DATA_DIR, clock, speed);
    stops.push(async () => kept.stop());

    const deps = createRuntime(process.env, clock, fullCourse);
    // The outbox (DESIGN.md): the form enqueues into the table; notices go out right after the
    // answer. What a stopped or crashed run left behind goes out now, and a timer retries failures.
    const notices = createNoticeRunner(deps, createDynamoOutbox(lazyDynamoClient(), tableName));
    const drainNotices = () => void notices.drain().catch((error: unknown) => console.error('notice outbox failed:', error));
    drainNotices();
    const outboxTimer = setInterval(drainNotices, 5_000);
    stops.push(async () => {
      clearInterval(outboxTimer);
      await notices.settled();
    });
    app = createApp({ ...deps, clientIp: (c) => getConnInfo(c).remote.address });

    // One pass at a time; a simulated minute apart, but never busier than once a second.
    const intervalMs = Math.max(1000, Math.min(30_000, 60_000 / speed));
    let timer: NodeJS.Timeout | undefined;
    let pass: Promise<void> | undefined;
    let stopping = false;
    const tick = async () => {
      try {
        const summary = await sendDue(deps);
        if (summary.claimed || summary.failed) console.log(`drip ${clock.now().toISOString()} ${JSON.stringify(summary)}`);
      } catch (error) {
        console.error('drip pass failed:', error);
      }
      // As the drip cron does on AWS: the author's weekly digest and alerts, into the local mailbox.
      if (deps.counters) await checkAuthorMail({ ...deps, counters: deps.counters }).catch((error: unknown) => console.error('author mail failed:', error));
      if (!stopping) timer = setTimeout(() => void (pass = tick()), intervalMs);
    };
    if (scheduler) pass = tick();
    // A pass still talking to dynalite when it closes would crash the stop: let it finish first.
    stops.push(async () => {
      stopping = true;
      clearTimeout(timer);
      await pass;
    });

    const baseUrl = process.env.BASE_URL as string;
    // A one-time way into the author's console, for whoever started the stack (the same link the email carries).
    const author = deps.config.author;
    const consoleLine = author
      ? `${signInUrl(deps, clock.now().getTime())}\n                 (signs in once, within 15 minutes; more links: ${baseUrl}/admin, mailed to ${author.email})`
      : `off (set AUTHOR_EMAIL to use ${baseUrl}/admin)`;
    claim.update({ baseUrl, appPort, sesUrl: mailbox.url, dynamoUrl: dynamo.url, dynalite: !ownDynamo, tableName });
    console.log(`Let Go is running.
  Sign-up form:  ${baseUrl}/
  Local mailbox: http://localhost:${mailbox.port}/ (${mailbox.restored} ${mailbox.restored === 1 ? 'email' : 'emails'} kept from earlier runs)
  Console:       ${consoleLine}
  DynamoDB:      ${ownDynamo ? `${dynamo.url} (AWS_ENDPOINT_URL_DYNAMODB; dynalite not started)` : `dynalite on ${dynamo.url}, data in ${join(DATA_DIR, 'dynamo')}/`}
  Data:          ${DATA_DIR}/ (delete it to start over)
  Clock:         ${describeClock(start, speed, realStart, DATA_DIR)}
  Scheduler:     ${scheduler ? `drip pass every ${(intervalMs / 1000).toFixed(1)} s` : 'off (run: npm run drip -- --now <ISO time>)'}
Press Ctrl-C to stop.`);
  } catch (error) {
    await stopAll();
    claim.release();
    throw error;
  }

  const stop = async () => {
    await stopAll();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof PortInUseError || error instanceof StackRunningError) console.error(`Cannot start: ${error.message}.`);
  else console.error('Cannot start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
