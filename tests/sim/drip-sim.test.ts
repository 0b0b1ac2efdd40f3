import { describe, expect, it } from 'vitest';
import { createMemoryHealthStore } from '../../functions/adapters/health-stores.js';
import { createMemoryCounterStore } from '../../functions/adapters/counter-stores.js';
import { createMemoryStore } from '../../functions/adapters/memory-store.js';
import { memoryTableScan } from '../../functions/adapters/table-scans.js';
import { compiledCourse, testClock } from '../support/fixtures.js';
import { checkReaders } from './checks.js';
import { checkCounts } from './counts.js';
import { FAULTS, INDEX_LAG_MIN, LATE_BOUND_MIN, RUN_GAP_MIN } from './bounds.js';
import { seeded } from './plans.js';
import { runScenario } from './scenario.js';

/**
 * The drip under faults, at scale: 1,000 readers in 16 time zones over 35
 * simulated days (DST switches in March and April, north and south), three
 * overlapping runners every 5 to 15 minutes, the real sendDue and the real
 * reader services over the in-memory store. checks.ts holds every reader's
 * mailbox to DESIGN.md: lessons 1..21 in order (from 1 again after a
 * restart), 8 hours apart, one per local day (exemptions counted), none
 * while paused or after leaving (a lesson already handed to SES in the very
 * instant a reader leaves is counted, not failed), every change a reader made
 * kept, and duplicates only where SES accepted a send the runner never
 * learned of. SIM_SEED and SIM_READERS replay other runs.
 *
 * DynamoDB as it really behaves, too: the due index lags the table (each
 * write reaches it up to INDEX_LAG_MIN later, so queries serve stale copies
 * and miss fresh records), and BatchGetItem leaves 30% of the breaker's keys
 * unprocessed on each try (a pass whose counts cannot be read sends nothing).
 *
 * The course counters (tests/sim/counts.ts): every service moves them and the
 * drip writes each pass's increments once. Checked against the readers'
 * actions, then against a recount of every record: the counters plus what
 * crashed passes had counted and never written equal it, field by field; no
 * counter is short by more than the number of crashes; after the recount
 * they are exact. A second run with every fault but crashes needs no
 * allowance at all.
 */
describe('drip simulation (memory store)', () => {
  it(`1,000 readers, ${compiledCourse.totalDays + 14} days, 20% SES failures, conflicts, crashes, index lag and unprocessed keys: one lesson a day, in order, on time`, async () => {
    const seed = Number(process.env.SIM_SEED ?? 20_270_308);
    const start = '2027-03-08T00:00:00Z';
    const clock = testClock(start);
    const lag = seeded(seed + 1);
    const unprocessed = seeded(seed + 2);
    const store = createMemoryStore({ indexLag: { now: () => clock.now().getTime(), maxMs: INDEX_LAG_MIN * 60_000, random: lag } });
    const health = createMemoryHealthStore({ unprocessed: () => unprocessed() < 0.3 });
    const counters = createMemoryCounterStore();
    const result = await runScenario({
      readers: Number(process.env.SIM_READERS ?? 1_000),
      // Sign-ups over the first week, a pause of a week, then the whole course.
      days: compiledCourse.totalDays + 14,
      seed,
      start,
      clock,
      store,
      health,
      rates: FAULTS,
      stuckAfterMs: LATE_BOUND_MIN * 60_000,
      counters,
    });
    const { violations, figures } = checkReaders(result);
    const counted = await checkCounts(result, result.counters, memoryTableScan({ records: store.all, votes: () => [], counters: counters.all }));
    const dynamo = { staleIndexItems: store.staleServed(), unprocessedKeys: health.unprocessedKeys };
    console.log('drip simulation', JSON.stringify({ lateBoundMinutes: LATE_BOUND_MIN, ...figures, dynamo, counters: counted.figures }, null, 1));
    expect(violations.slice(0, 20)).toEqual([]);
    // The counters: what the services counted, plus what crashed passes held, is what the records say.
    expect(counted.violations.slice(0, 20)).toEqual([]);
    expect(counted.figures.lostToCrashes.passes).toBeGreaterThan(0);
    // No counter is off by more than the number of crashes.
    expect(counted.figures.lostToCrashes.worstCounter.n).toBeLessThanOrEqual(counted.figures.lostToCrashes.passes);
    expect(result.stuck.slice(0, 20)).toEqual([]);
    expect(figures.latenessMinutes.median).toBeLessThanOrEqual(RUN_GAP_MIN);
    expect(figures.latenessMinutes.max).toBeLessThanOrEqual(LATE_BOUND_MIN);
    expect(figures.duplicates).toBeLessThanOrEqual(figures.acceptedUnknown);
    // The faults really happened, at about the rates asked for.
    const faults = (kind: string) => figures.faults[kind] ?? 0;
    const refused = faults('throttle') + faults('serverError') + faults('timeoutBefore');
    expect((refused + faults('timeoutAfter')) / (figures.deliveries + refused)).toBeGreaterThan(0.17);
    expect(faults('crashAfterClaim')).toBeGreaterThan(0.05 * figures.readers);
    expect(faults('crashAfterSend')).toBeGreaterThan(0.05 * figures.readers);
    expect(faults('conflict')).toBeGreaterThan(figures.readers);
    expect(dynamo.staleIndexItems).toBeGreaterThan(figures.readers);
    expect(dynamo.unprocessedKeys).toBeGreaterThan(figures.totals.passes);
    expect(figures.totals.breakerUnread).toBeGreaterThan(0);
    // Bounces and complaints stayed far below the trip: the breaker never paused a pass.
    expect(figures.totals.breakerPaused).toBe(0);
    expect(figures.completed).toBeGreaterThan(0.7 * figures.readers);
  }, 240_000);

  it('with every fault but crashes, the counters equal the truth exactly, before any recount', async () => {
    const counters = createMemoryCounterStore();
    const store = createMemoryStore();
    const result = await runScenario({
      readers: 150,
      days: 30,
      seed: 20_270_309,
      start: '2027-03-08T00:00:00Z',
      store,
      counters,
      rates: { ...FAULTS, crashAfterClaim: 0, crashAfterSend: 0 },
      stuckAfterMs: LATE_BOUND_MIN * 60_000,
    });
    const counted = await checkCounts(result, counters, memoryTableScan({ records: store.all, votes: () => [], counters: counters.all }));
    expect(result.lost.size).toBe(0);
    expect(counted.violations).toEqual([]);
    expect(counted.figures.repairedItems).toBe(0);
    expect(counted.figures.sent).toBeGreaterThan(2_000);
  }, 120_000);
});
