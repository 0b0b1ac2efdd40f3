import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../functions/adapters/memory-store.js';
import { checkReaders } from './checks.js';
import { FAULTS, LATE_BOUND_MIN, RUN_GAP_MIN } from './bounds.js';
import { runScenario } from './scenario.js';

/**
 * The drip under faults, at scale: 1,000 readers in 16 time zones over 35
 * simulated days (a DST switch in March and in April on both hemispheres),
 * three overlapping runners every 5 to 15 minutes, the real sendDue and the
 * real reader services over the in-memory store.
 */
describe('drip simulation (memory store)', () => {
  it('1,000 readers, 35 days, 20% SES failures, conflicts and crashes: one lesson a day, in order, on time', async () => {
    const result = await runScenario({
      readers: Number(process.env.SIM_READERS ?? 1_000),
      days: 35,
      seed: 20_270_308,
      start: '2027-03-08T00:00:00Z',
      store: createMemoryStore(),
      rates: FAULTS,
      stuckAfterMs: LATE_BOUND_MIN * 60_000,
    });
    const { violations, figures } = checkReaders(result);
    console.log('drip simulation', JSON.stringify({ lateBoundMinutes: LATE_BOUND_MIN, ...figures }, null, 1));
    expect(violations.slice(0, 20)).toEqual([]);
    expect(result.stuck.slice(0, 20)).toEqual([]);
    expect(figures.latenessMinutes.median).toBeLessThanOrEqual(RUN_GAP_MIN);
    expect(figures.latenessMinutes.max).toBeLessThanOrEqual(LATE_BOUND_MIN);
    expect(figures.duplicates).toBeLessThanOrEqual(figures.acceptedUnknown);
    // The faults really happened, at about the rates asked for.
    const sesCalls = figures.deliveries + figures.faults.throttle! + figures.faults.serverError! + figures.faults.timeoutBefore!;
    const sesFailures = figures.faults.throttle! + figures.faults.serverError! + figures.faults.timeoutBefore! + figures.faults.timeoutAfter!;
    expect(sesFailures / sesCalls).toBeGreaterThan(0.17);
    expect(figures.faults.crashAfterClaim).toBeGreaterThan(50);
    expect(figures.faults.crashAfterSend).toBeGreaterThan(50);
    expect(figures.faults.conflict).toBeGreaterThan(1_000);
    expect(figures.completed).toBeGreaterThan(0.7 * figures.readers);
  }, 120_000);
});
