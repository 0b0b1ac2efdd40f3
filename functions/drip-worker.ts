import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { DUE_SHARDS } from './core/subscriber.js';
import { createDripRuntime } from './drip-runtime.js';
import { jsonLog } from './runtime.js';
import { recordSends } from './services/breaker.js';
import { runDripJob } from './services/fan-out.js';

const runtime = createDripRuntime(process.env);

/** What the cron sends; checked, because a bad job must fail loudly, not send at a wrong rate. */
const jobSchema = z.object({
  shards: z.array(z.number().int().min(0).max(DUE_SHARDS - 1)).min(1),
  ratePerSecond: z.number().positive(),
  maxSends: z.number().int().min(0).optional(),
  deadline: z.number().int().positive(),
});

/** Keeps in-flight sends inside the function's own timeout too. */
const RESERVE_MS = 10_000;

/** A fan-out worker (async invocation from functions/drip.ts): its shards, until the run's deadline. */
export async function handler(event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  const job = jobSchema.parse(event);
  const summary = await runDripJob(runtime.deps, job, {
    timer: runtime.timer,
    timeLeftMs: () => Math.min(job.deadline - Date.now(), (context?.getRemainingTimeInMillis() ?? Infinity) - RESERVE_MS),
  });
  await recordSends({ health: runtime.health, clock: runtime.deps.clock }, summary.sent);
  jsonLog('drip.worker', { shards: job.shards, ...summary });
  return summary;
}
