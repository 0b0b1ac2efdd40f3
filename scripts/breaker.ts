import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseArgs } from 'node:util';
import { createDynamoHealthStore } from '../functions/adapters/health-stores.js';
import { figures } from '../functions/core/breaker.js';
import { jsonLog, systemClock } from '../functions/runtime.js';
import { checkBreaker, recentCounts, resumeSending } from '../functions/services/breaker.js';
import { useLocalStack } from './local-env.js';

const USAGE = `usage: npm run breaker -- status | resume [--aws]
The drip's circuit breaker opens by itself when bounces on lessons pass 5% (and 20) or complaints on
lessons 0.1% (and 5) of the last 7 days' sends, and stays open until you resume it here, once you
have found and fixed the cause. Bounces and complaints on sign-up notices are shown apart: they warn,
never stop the course.
Runs against the local stack by default; --aws uses your AWS credentials and TABLE_NAME.`;

const { values, positionals } = parseArgs({ allowPositionals: true, options: { aws: { type: 'boolean', default: false } } });
const [command] = positionals;
if (command !== 'status' && command !== 'resume') {
  console.error(USAGE);
  process.exit(2);
}
if (!values.aws) useLocalStack();
if (!process.env.TABLE_NAME) {
  console.error('TABLE_NAME is not set: name the deployed table (see the SST outputs).');
  process.exit(2);
}
const deps = { health: createDynamoHealthStore(new DynamoDBClient({}), process.env.TABLE_NAME), clock: systemClock, log: jsonLog };
try {
  if (command === 'resume') await resumeSending(deps);
  const breaker = await deps.health.breaker();
  // The check may open the breaker (as the next drip run would); its warnings are in the figures below.
  const check = breaker.state === 'open' ? { open: true } : await checkBreaker({ ...deps, log: undefined });
  const after = await deps.health.breaker();
  const { reason, openedAt, resumedAt } = after;
  console.log(JSON.stringify({ state: check.open ? 'open' : 'closed', reason, openedAt, resumedAt, ...figures(await recentCounts(deps, after)) }, null, 2));
} catch (error) {
  console.error(`breaker ${command} failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
