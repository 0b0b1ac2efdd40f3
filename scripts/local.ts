import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createApp } from '../functions/http/app.js';
import { fullCourse } from '../functions/course.js';
import { createRuntime } from '../functions/runtime.js';
import { sendDue } from '../functions/services/send-due.js';
import { appEnv, DATA_DIR, DYNAMO_PORT, parseSpeed, PORT, scaledClock, SES_PORT } from './local-env.js';
import { assertPortFree, createTableIn, engineEnv, PortInUseError, startEngines } from './local-stack.js';

/** `npm start`: the whole service on one machine, with no AWS account. */
async function main(): Promise<void> {
  const speed = parseSpeed(process.env.CLOCK_SPEED);
  const scheduler = process.env.SCHEDULER !== 'off';
  await assertPortFree(PORT, 'the app, PORT');
  const engines = await startEngines({ dynamoPort: DYNAMO_PORT, sesPort: SES_PORT, dataDir: `${DATA_DIR}/dynamo` });
  Object.assign(process.env, engineEnv(engines), appEnv(PORT));
  await createTableIn(engines.dynamoUrl, process.env.TABLE_NAME as string);

  const clock = scaledClock(speed);
  const deps = createRuntime(process.env, clock, fullCourse);
  const app = createApp({ ...deps, clientIp: (c) => getConnInfo(c).remote.address });
  const server = serve({ fetch: app.fetch, port: PORT, hostname: '127.0.0.1' });

  // One pass at a time; a simulated minute apart, but never busier than once a second.
  const intervalMs = Math.max(1000, Math.min(30_000, 60_000 / speed));
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const summary = await sendDue(deps);
      if (summary.claimed || summary.failed) console.log(`drip ${clock.now().toISOString()} ${JSON.stringify(summary)}`);
    } catch (error) {
      console.error('drip pass failed:', error);
    }
    timer = setTimeout(tick, intervalMs);
  };
  if (scheduler) void tick();

  console.log(`Let Go is running.
  Sign-up form:  http://localhost:${PORT}/
  Local mailbox: http://localhost:${SES_PORT}/
  Data:          ${DATA_DIR}/ (delete it to start over)
  Clock:         ${speed === 1 ? 'real time' : `${speed}x (a course day every ${(1440 / speed).toFixed(1)} min)`}
  Scheduler:     ${scheduler ? `drip pass every ${(intervalMs / 1000).toFixed(1)} s` : 'off (run: npm run drip -- --now <ISO time>)'}
Press Ctrl-C to stop.`);

  const stop = async () => {
    clearTimeout(timer);
    server.close();
    await engines.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof PortInUseError) console.error(`Cannot start: ${error.message}.`);
  else console.error('Cannot start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
