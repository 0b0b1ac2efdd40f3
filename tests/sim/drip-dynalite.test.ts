import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from '../../functions/adapters/rate-limiters.js';
import { createDynamoCounterStore } from '../../functions/adapters/counter-stores.js';
import { createDynamoStore } from '../../functions/adapters/dynamo-store.js';
import { createDynamoTableScan } from '../../functions/adapters/table-scans.js';
import { createSesMailer } from '../../functions/adapters/ses-mailer.js';
import { activate, newPending } from '../../functions/core/subscriber.js';
import { systemTimer } from '../../functions/drip-runtime.js';
import { sendDue } from '../../functions/services/send-due.js';
import { capturingSesClient, dynamoClient, freshTable } from '../support/engines.js';
import { compiledCourse, testClock, testConfig } from '../support/fixtures.js';
import { checkReaders } from './checks.js';
import { checkCounts } from './counts.js';
import { runScenario } from './scenario.js';
import { FAULTS, LATE_BOUND_MIN } from './bounds.js';

/**
 * The same scenario, smaller, against DynamoDB on dynalite through the real
 * SDK and the DynamoDB store: conditional puts, the sparse GSI and its
 * paging behave as the memory store's contract says.
 */
describe('drip simulation (DynamoDB on dynalite)', () => {
  // dynalite answers ~600 queries a second and each turn is 3 passes x 16 shard queries,
  // so the window is 5 days with the signups in the first one (about 300 lessons).
  it('60 readers, 5 days, same faults: the same rules hold', async () => {
    const client = dynamoClient();
    const table = await freshTable(client);
    const counters = createDynamoCounterStore(client, table);
    const result = await runScenario({
      readers: 60,
      days: 5,
      signupDays: 1,
      seed: 20_270_314,
      start: '2027-03-10T00:00:00Z',
      store: createDynamoStore(client, table),
      counters,
      rates: FAULTS,
      stuckAfterMs: LATE_BOUND_MIN * 60_000,
    });
    const { violations, figures } = checkReaders(result);
    const counted = await checkCounts(result, counters, createDynamoTableScan(client, table));
    console.log('drip simulation on dynalite', JSON.stringify({ ...figures, counters: counted.figures }));
    expect(counted.violations).toEqual([]);
    expect(violations.filter((v) => !v.includes('did not complete'))).toEqual([]);
    expect(result.stuck).toEqual([]);
    expect(figures.latenessMinutes.max).toBeLessThanOrEqual(LATE_BOUND_MIN);
    expect(figures.duplicates).toBeLessThanOrEqual(figures.acceptedUnknown);
    expect(figures.lessons).toBeGreaterThan(250);
  }, 300_000);
});

describe('SES quota on aws-ses-v2-local', () => {
  it('GetSendQuota never answers there: the adapter falls back to the configured rate, says so, and the run is paced by it', async () => {
    const { client } = capturingSesClient();
    const logs: string[] = [];
    const fallbackQuota = { maxSendRate: 20, max24HourSend: 1_000, sentLast24Hours: 0 };
    const mailer = createSesMailer(client, { fallbackQuota, quotaTimeoutMs: 300, log: (event) => logs.push(event) });
    expect(await mailer.quota?.()).toEqual(fallbackQuota);
    expect(logs).toEqual(['ses.quota-fallback']);

    const dynamo = dynamoClient();
    const store = createDynamoStore(dynamo, await freshTable(dynamo));
    const now = new Date('2027-01-04T08:00:00Z');
    const consent = { at: now.toISOString(), ip: '192.0.2.1', userAgent: 'test', formVersion: '1' };
    for (const email of ['quota.a@example.com', 'quota.b@example.com']) {
      await store.put(activate(newPending({ email, timezone: 'UTC', sendHour: 8, consent }, 'o', now, 0), now), null);
    }
    // Records from before compact links (no link ids): the drip gives them ids and maps them first.
    const deps = { store, mailer, clock: testClock(now), course: compiledCourse, config: testConfig, limiter: createMemoryRateLimiter() };
    expect(await sendDue(deps, { timer: systemTimer })).toMatchObject({ sent: 2, ratePerSecond: 20 });
    const migrated = await store.get('quota.a@example.com');
    expect(migrated?.linkId && (await store.resolveLink(migrated.linkId))).toBe('quota.a@example.com');
    expect(logs).toEqual(['ses.quota-fallback', 'ses.quota-fallback']);
  });
});
