import { LambdaClient } from '@aws-sdk/client-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { createLambdaInvoker } from './adapters/lambda-invoker.js';
import { parseEnv } from './config.js';
import type { HealthStore, Invoker, Timer } from './ports.js';
import { fullCourse } from './course.js';
import { createRuntime, jsonLog, systemClock } from './runtime.js';
import type { ServiceDeps } from './services/deps.js';

/** The real monotonic clock and sleep: only entry points touch them. */
export const systemTimer: Timer = { nowMs: () => performance.now(), sleep: (ms) => sleep(ms) };

const schema = z.object({
  // Used only when GetSendQuota cannot be read; 1/s and 200 a day are SES's sandbox limits.
  SES_FALLBACK_SEND_RATE: z.coerce.number().positive().default(1),
  SES_FALLBACK_DAILY_QUOTA: z.coerce.number().positive().default(200),
  // What one drip process sustains: 10 sends in flight at ~100-200 ms each.
  DRIP_WORKER_RATE: z.coerce.number().min(1).default(50),
  // The fan-out worker's function name; unset, the cron always sends inline.
  DRIP_WORKER_FUNCTION: z.string().min(1).optional(),
});

export type DripRuntime = { deps: ServiceDeps; timer: Timer; workerRate: number; invoker?: Invoker; health: HealthStore };

/** The composition root shared by the drip cron and its fan-out workers. */
export function createDripRuntime(env: Record<string, string | undefined>): DripRuntime {
  const config = parseEnv(schema, env, 'drip configuration');
  const { health, ...deps } = createRuntime(env, systemClock, fullCourse, {
    mailer: {
      fallbackQuota: { maxSendRate: config.SES_FALLBACK_SEND_RATE, max24HourSend: config.SES_FALLBACK_DAILY_QUOTA, sentLast24Hours: 0 },
      log: jsonLog,
    },
  });
  return {
    deps,
    health,
    timer: systemTimer,
    workerRate: config.DRIP_WORKER_RATE,
    invoker: config.DRIP_WORKER_FUNCTION
      ? createLambdaInvoker(new LambdaClient({}), config.DRIP_WORKER_FUNCTION)
      : undefined,
  };
}
