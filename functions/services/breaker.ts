import { dayOf, subtract, tripReason, windowDays, ZERO, type Breaker, type Counts } from '../core/breaker.js';
import type { Clock, HealthStore } from '../ports.js';

/**
 * The drip asks this before each run. An open breaker stays open until the
 * author resumes sending (`npm run breaker -- resume`); it never closes by itself.
 */
export type BreakerDeps = { health: HealthStore; clock: Clock; log?: (event: string, fields: Record<string, unknown>) => void };
export type BreakerCheck = { open: false; counts: Counts } | { open: true; reason: string; since?: string };

export async function recentCounts(deps: BreakerDeps, breaker: Breaker): Promise<Counts> {
  const days = windowDays(deps.clock.now(), breaker.resumedAt);
  const total = (await deps.health.read(days)).reduce(
    (sum, day) => ({ sends: sum.sends + day.sends, bounces: sum.bounces + day.bounces, complaints: sum.complaints + day.complaints }),
    ZERO,
  );
  return subtract(total, breaker.baseline && days.includes(breaker.baseline.day) ? breaker.baseline : undefined);
}

export async function checkBreaker(deps: BreakerDeps): Promise<BreakerCheck> {
  const breaker = await deps.health.breaker();
  if (breaker.state === 'open') {
    deps.log?.('drip.paused', { level: 'ERROR', reason: breaker.reason, since: breaker.openedAt, resume: 'npm run breaker -- resume' });
    return { open: true, reason: breaker.reason ?? 'sending paused', since: breaker.openedAt };
  }
  const counts = await recentCounts(deps, breaker);
  const reason = tripReason(counts);
  if (!reason) return { open: false, counts };
  const openedAt = deps.clock.now().toISOString();
  await deps.health.saveBreaker({ ...breaker, state: 'open', reason, openedAt }, breaker.version);
  deps.log?.('drip.breaker-opened', { level: 'ERROR', reason, counts, resume: 'npm run breaker -- resume' });
  return { open: true, reason, since: openedAt };
}

export async function recordSends(deps: BreakerDeps, sends: number): Promise<void> {
  if (sends > 0) await deps.health.add(dayOf(deps.clock.now()), { sends });
}

export async function recordFeedback(deps: BreakerDeps, kind: 'bounces' | 'complaints', count = 1): Promise<void> {
  await deps.health.add(dayOf(deps.clock.now()), { [kind]: count });
}

/** The author's resume: what was counted before now no longer counts against sending. */
export async function resumeSending(deps: BreakerDeps): Promise<Breaker> {
  const breaker = await deps.health.breaker();
  const now = deps.clock.now();
  const day = dayOf(now);
  const [today = ZERO] = await deps.health.read([day]);
  const resumed: Breaker = { state: 'closed', resumedAt: now.toISOString(), baseline: { day, ...today }, version: breaker.version };
  if (!(await deps.health.saveBreaker(resumed, breaker.version))) throw new Error('the breaker changed while resuming; run it again');
  deps.log?.('drip.resumed', { previousReason: breaker.reason });
  return resumed;
}
