import { describe, expect, it } from 'vitest';
import { createMemoryHealthStore } from '../../functions/adapters/health-stores.js';
import { tripReason } from '../../functions/core/breaker.js';
import { checkBreaker, recordFeedback, recordSends, resumeSending } from '../../functions/services/breaker.js';
import { testClock } from '../support/fixtures.js';

function harness() {
  const logs: Array<{ event: string; fields: Record<string, unknown> }> = [];
  const deps = { health: createMemoryHealthStore(), clock: testClock('2026-12-01T12:00:00Z'), log: (event: string, fields: Record<string, unknown>) => void logs.push({ event, fields }) };
  return { deps, logs };
}

describe('tripReason', () => {
  it('says nothing below the minimum sample', () => {
    expect(tripReason({ sends: 20, bounces: 10, complaints: 5 })).toBeUndefined();
  });
  it('opens over 5% bounces or 0.1% complaints, not at them', () => {
    expect(tripReason({ sends: 1000, bounces: 50, complaints: 1 })).toBeUndefined();
    expect(tripReason({ sends: 1000, bounces: 51, complaints: 0 })).toMatch(/bounce rate 5\.10%/);
    expect(tripReason({ sends: 1000, bounces: 0, complaints: 2 })).toMatch(/complaint rate 0\.20%/);
  });
});

describe('the drip circuit breaker', () => {
  it('stays closed while sending is healthy', async () => {
    const { deps } = harness();
    await recordSends(deps, 500);
    await recordFeedback(deps, 'bounces', 10);
    expect(await checkBreaker(deps)).toMatchObject({ open: false, counts: { sends: 500, bounces: 10 } });
  });

  it('opens on a bounce spike, says so loudly, and stays open until resumed', async () => {
    const { deps, logs } = harness();
    await recordSends(deps, 400);
    deps.clock.advance(86_400_000);
    await recordSends(deps, 200);
    await recordFeedback(deps, 'bounces', 31);
    const tripped = await checkBreaker(deps);
    expect(tripped).toMatchObject({ open: true, reason: expect.stringContaining('bounce rate 5.17%') });
    expect(logs.find((log) => log.event === 'drip.breaker-opened')?.fields).toMatchObject({ level: 'ERROR' });
    // Days later, with no new bounces, it is still open: only the author closes it.
    deps.clock.advance(3 * 86_400_000);
    await recordSends(deps, 10_000);
    expect(await checkBreaker(deps)).toMatchObject({ open: true });
    expect(logs.at(-1)).toMatchObject({ event: 'drip.paused', fields: { resume: 'npm run breaker -- resume' } });
  });

  it('after a resume, only what happens next counts', async () => {
    const { deps } = harness();
    await recordSends(deps, 200);
    await recordFeedback(deps, 'complaints', 3);
    expect((await checkBreaker(deps)).open).toBe(true);
    await resumeSending(deps);
    expect(await checkBreaker(deps)).toMatchObject({ open: false, counts: { sends: 0, complaints: 0 } });
    await recordSends(deps, 300);
    expect(await checkBreaker(deps)).toMatchObject({ open: false, counts: { sends: 300 } });
    await recordFeedback(deps, 'complaints');
    expect(await checkBreaker(deps)).toMatchObject({ open: true, reason: expect.stringContaining('complaint rate') });
  });

  it('forgets counts older than the 7-day window', async () => {
    const { deps } = harness();
    await recordSends(deps, 1000);
    await recordFeedback(deps, 'bounces', 40);
    deps.clock.advance(8 * 86_400_000);
    await recordSends(deps, 100);
    await recordFeedback(deps, 'bounces', 5);
    expect(await checkBreaker(deps)).toMatchObject({ open: false, counts: { sends: 100, bounces: 5 } });
  });
});
