import type { Context } from 'aws-lambda';
import { createDripRuntime } from './drip-runtime.js';
import { jsonLog } from './runtime.js';
import { checkBreaker, recordSends } from './services/breaker.js';
import { checkAuthorMail } from './services/digest.js';
import { runDrip } from './services/fan-out.js';

const runtime = createDripRuntime(process.env);

/** The weekly digest and the alerts (services/digest.ts): one cheap check a run, never a reason for the run to fail. */
async function authorMail(): Promise<void> {
  const { counters } = runtime.deps;
  if (!counters) return;
  try {
    const done = await checkAuthorMail({ ...runtime.deps, counters, health: runtime.health });
    if (done.digest || done.alert) jsonLog('author.mail', done);
  } catch (error) {
    jsonLog('author.mail-failed', { level: 'ERROR', error: String(error) });
  }
}

/**
 * The cron's handler, every minute: read the SES quota, then send inline or
 * fan out to workers (services/fan-out.ts), stopping before Lambda's deadline.
 */
export async function handler(_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  const health = { health: runtime.health, clock: runtime.deps.clock, log: jsonLog };
  await authorMail();
  // Bounces or complaints over SES's tolerance: send nothing until the author resumes.
  const breaker = await checkBreaker(health);
  if (breaker.open) {
    const paused = { mode: 'paused' as const, paused: true, reason: breaker.reason, since: breaker.since, claimed: 0, sent: 0 };
    jsonLog('drip.run', { level: 'ERROR', ...paused, resume: 'npm run breaker -- resume' });
    return paused;
  }
  const result = await runDrip(runtime.deps, {
    timer: runtime.timer,
    timeLeftMs: () => context?.getRemainingTimeInMillis() ?? Infinity,
    startedAt: Date.now(),
    workerRate: runtime.workerRate,
    invoker: runtime.invoker,
  });
  // Flat, so the log line and the return value read the same: { mode, claimed, sent, ... } or { mode, jobs, ... }.
  const flat = result.mode === 'inline' ? { mode: result.mode, ...result.summary } : result;
  if (result.mode === 'inline') await recordSends(health, result.summary.sent);
  jsonLog('drip.run', flat);
  return flat;
}
