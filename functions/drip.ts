import type { Context } from 'aws-lambda';
import { createRuntime, jsonLog, systemClock } from './runtime.js';
import { sendDue } from './services/send-due.js';

const deps = createRuntime(process.env, systemClock);

/** The cron's handler: one pass, stopping before Lambda's deadline. */
export async function handler(_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  const summary = await sendDue(deps, { timeLeftMs: () => context?.getRemainingTimeInMillis() ?? Infinity });
  jsonLog('drip.run', summary);
  return summary;
}
