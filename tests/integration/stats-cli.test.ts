import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoCounterStore } from '../../functions/adapters/counter-stores.js';
import { createDynamoStore } from '../../functions/adapters/dynamo-store.js';
import { createMemoryRateLimiter } from '../../functions/adapters/rate-limiters.js';
import { createCapturingMailer } from '../../functions/adapters/capturing-mailer.js';
import { activate, newPending } from '../../functions/core/subscriber.js';
import type { ServiceDeps } from '../../functions/services/deps.js';
import { counterSink, countWrite } from '../../functions/services/counting.js';
import { sendDue } from '../../functions/services/send-due.js';
import { cliEnv, dynamoClient, freshTable } from '../support/engines.js';
import { compiledCourse, testClock, testConfig, testLinkIds } from '../support/fixtures.js';

/** `npm run stats`, run as the author would, against DynamoDB on dynalite: the table, CSV, JSON and the recount. */
const run = promisify(execFile);
let env: NodeJS.ProcessEnv;
let tableName: string;

beforeAll(async () => {
  tableName = await freshTable(dynamoClient());
  env = cliEnv(tableName, mkdtempSync(join(tmpdir(), 'letgo-stats-')));
  // Three readers confirmed now, and one drip pass: each gets day 1, counted as the drip counts.
  const now = new Date();
  const store = createDynamoStore(dynamoClient(), tableName);
  const counters = createDynamoCounterStore(dynamoClient(), tableName);
  const consent = { at: now.toISOString(), ip: '203.0.113.9', userAgent: 'cli-test', formVersion: '1' };
  for (const [i, email] of ['a@example.com', 'b@example.com', 'c@example.com'].entries()) {
    const ids = testLinkIds(i + 1);
    await store.link(ids.linkId, email);
    const stored = await store.put(activate(newPending({ email, timezone: 'UTC', sendHour: 8, consent }, 'b3B0aW4x', now, 0, ids), now), null);
    await countWrite(counterSink({ counters }), undefined, stored);
  }
  const deps: ServiceDeps = {
    store, mailer: createCapturingMailer(), clock: testClock(now), course: compiledCourse, config: testConfig, limiter: createMemoryRateLimiter(),
    counters,
  };
  expect(await sendDue(deps)).toMatchObject({ sent: 3 });
});

const stats = (...args: string[]) => run('npx', ['tsx', 'scripts/stats.ts', ...args], { env }).catch((error: { code: number; stdout: string; stderr: string }) => error);
const out = async (...args: string[]) => {
  const result = (await stats(...args)) as { stdout: string; stderr: string };
  if (!result.stdout) throw new Error(result.stderr);
  return result.stdout;
};

describe('npm run stats', () => {
  it('prints the funnel as a table, and the same as JSON and CSV', async () => {
    const text = await out();
    expect(text.split('\n')[2]).toMatch(/^lesson\s+reached\s+left/);
    expect(text).toMatch(/\n1 \S.*\s3\s+0\s+0/);
    const json = JSON.parse(await out('--json'));
    expect(json.funnel[0]).toMatchObject({ day: 1, reached: 3, sent: 3 });
    expect(json.funnel).toHaveLength(compiledCourse.lessons.length);
    const csv = (await out('--csv')).split('\r\n');
    expect(csv[0]).toBe('lesson,subject,reached,sent,left,unsubscribed,bounced,complained,deleted,paused,restarted,completed,helpful_yes,helpful_no');
    expect(csv[1]).toMatch(/^1,.*,3,3,0,0,0,0,0,0,0,0,0,0$/);
    // Oldest week first: this week, last, holds the three readers (confirmed, and all at day 1).
    expect((await out('--csv', '--cohorts')).trim().split('\r\n').at(-1)).toMatch(/^\d{4}-W\d\d,3,3,0,/);
  });

  it('rebuilds the counters from the records with --recount', async () => {
    await createDynamoCounterStore(dynamoClient(), tableName).add(new Map([['lesson:1', { reached: 5 }]]));
    expect(JSON.parse(await out('--json')).funnel[0].reached).toBe(8);
    expect(await out('--recount')).toBe('recounted 3 records and 0 votes into 5 counter items; 1 corrected\n  lesson:1: {"sent":3,"reached":8} -> {"sent":3,"reached":3}\n');
    expect(JSON.parse(await out('--json')).funnel[0].reached).toBe(3);
  });

  it('explains its usage on a bad call', async () => {
    const bad = (await stats('--json', '--csv')) as { code: number; stderr: string };
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('usage: npm run stats');
  });
});
