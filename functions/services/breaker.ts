import { combine, dayOf, tripReason, warnings, windowDays, ZERO, type Breaker, type Counts, type Warning } from '../core/breaker.js';
import type { Clock, HealthStore } from '../ports.js';

/**
 * The drip asks this before each run. An open breaker stays open until the
 * author resumes sending (`npm run breaker -- resume`); it never closes by itself.
 */
export type BreakerDeps = { health: HealthStore; clock: Clock; log?: (event: string, fields: Record<string, unknown>) => void };
export type BreakerCheck = { open: false; counts: Counts; warnings: Warning[] } | { open: true; reason: string; since?: string };

export async function recentCounts(deps: BreakerDeps, breaker: Breaker): Promise<Counts> {
  const days = windowDays(deps.clock.now(), breaker.resumedAt);
  const total = (await deps.health.read(days)).reduce((sum, day) => combine(sum, day), ZERO);
  return breaker.baseline && days.includes(breaker.baseline.day) ? combine(total, breaker.baseline, -1) : total;
}

export async function checkBreaker(deps: BreakerDeps): Promise<BreakerCheck> {
  const breaker = await deps.health.breaker();
  if (breaker.state === 'open') {
    deps.log?.('drip.paused', { level: 'ERROR', reason: breaker.reason, since: breaker.openedAt, resume: 'npm run breaker -- resume' });
    return { open: true, reason: breaker.reason ?? 'sending paused', since: breaker.openedAt };
  }
  const counts = await recentCounts(deps, breaker);
  const reason = tripReason(counts);
  if (!reason) {
    const found = warnings(counts);
    for (const { level, message } of found) deps.log?.('drip.breaker-warning', { level, message, counts, status: 'npm run breaker -- status' });
    return { open: false, counts, warnings: found };
  }
  const openedAt = deps.clock.now().toISOString();
  await deps.health.saveBreaker({ ...breaker, state: 'open', reason, openedAt }, breaker.version);
  deps.log?.('drip.breaker-opened', { level: 'ERROR', reason, counts, resume: 'npm run breaker -- resume' });
  return { open: true, reason, since: openedAt };
}

/**
 * Counts emails SES accepted: the breaker's rates are over everything we hand
 * to SES, as SES's own are. The drip calls it once per run with its lessons;
 * the notice worker (confirmation, already enrolled, complete, sign-in and
 * data links) must call it too, after each accepted send, or notices would
 * inflate the rates they are measured against.
 */
export async function recordSends(deps: BreakerDeps, sends: number): Promise<void> {
  if (sends > 0) await deps.health.add(dayOf(deps.clock.now()), { sends });
}

/** Hard bounces and complaints, split by whether they were on a lesson (services/feedback.ts decides). */
export async function recordFeedback(deps: BreakerDeps, counts: Partial<Omit<Counts, 'sends'>>): Promise<void> {
  await deps.health.add(dayOf(deps.clock.now()), counts);
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
