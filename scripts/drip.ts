import { parseArgs } from 'node:util';
import { fullCourse } from '../functions/course.js';
import { createRuntime } from '../functions/runtime.js';
import { sendDue } from '../functions/services/send-due.js';
import { useLocalStack } from './local-env.js';

/** `npm run drip -- --now <ISO time>`: one drip pass against the running local stack. */
const { values } = parseArgs({ options: { now: { type: 'string' } } });
const now = values.now ? new Date(values.now) : new Date();
if (Number.isNaN(now.getTime())) {
  console.error(`--now must be an ISO date-time such as 2026-12-01T08:00:00Z, got "${values.now}"`);
  process.exit(2);
}
useLocalStack();
try {
  const summary = await sendDue(createRuntime(process.env, { now: () => now }, fullCourse));
  console.log(JSON.stringify({ now: now.toISOString(), ...summary }));
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  console.error(`drip failed: ${reason}. Is the local stack running (npm start)?`);
  process.exit(1);
}
