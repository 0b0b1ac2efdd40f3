import type { Context } from 'aws-lambda';
import { createDripRuntime } from './drip-runtime.js';
import { jsonLog } from './runtime.js';
import { runDrip } from './services/fan-out.js';

const runtime = createDripRuntime(process.env);

/**
 * The cron's handler, every minute: read the SES quota, then send inline or
 * fan out to workers (services/fan-out.ts), stopping before Lambda's deadline.
 */
export async function handler(_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  const result = await runDrip(runtime.deps, {
    timer: runtime.timer,
    timeLeftMs: () => context?.getRemainingTimeInMillis() ?? Infinity,
    startedAt: Date.now(),
    workerRate: runtime.workerRate,
    invoker: runtime.invoker,
  });
  // Flat, so the log line and the return value read the same: { mode, claimed, sent, ... } or { mode, jobs, ... }.
  const flat = result.mode === 'inline' ? { mode: result.mode, ...result.summary } : result;
  jsonLog('drip.run', flat);
  return flat;
}
