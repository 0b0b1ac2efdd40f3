import { createHash } from 'node:crypto';
import { newPending, suppress, type Subscriber } from '../../functions/core/subscriber.js';
import { createMemoryRateLimiter } from '../../functions/adapters/rate-limiters.js';
import { signRecordLink } from '../../functions/core/link-tokens.js';
import { suppressionHash } from '../../functions/services/notices.js';
import { AppError } from '../../functions/errors.js';
import { createMemoryCounterStore } from '../../functions/adapters/counter-stores.js';
import { merge, type Tally } from '../../functions/core/counters.js';
import type { CounterStore, HealthStore, SubscriberStore } from '../../functions/ports.js';
import { counterSink, countSignup, countWrite } from '../../functions/services/counting.js';
import { checkBreaker, recordFeedback, recordSends } from '../../functions/services/breaker.js';
import type { ServiceDeps } from '../../functions/services/deps.js';
import { confirm, retryOnConflict, unsubscribeByToken } from '../../functions/services/links.js';
import { changePreferences } from '../../functions/services/preferences.js';
import { sendDue, type DripSummary } from '../../functions/services/send-due.js';
import { compiledCourse, linksOf, TEST_KEYS, testClock, testConfig } from '../support/fixtures.js';
import { createRunner, SimCrash, turn, type FaultRates } from './faults.js';
import type { CompiledCourse } from '../../functions/core/message.js';
import { createLedger, createMailbox, observeSchedule } from './ledger.js';
import { DAY_MS, makePlans, MINUTE_MS, seeded, type Plan } from './plans.js';
import { virtualTimer } from './virtual-timer.js';

export type ScenarioOptions = {
  readers: number;
  days: number;
  /** Signups are spread over this many first days (default 7). */
  signupDays?: number;
  seed: number;
  start: string;
  store: SubscriberStore;
  rates: FaultRates;
  runners?: number;
  /** Minutes between drip runs, drawn uniformly. */
  runEvery?: [number, number];
  /** A reader whose lesson is this late is "stuck" (checked once a simulated day). */
  stuckAfterMs: number;
  /** The simulated clock, when the store must read it too (index lag); by default one starting at `start`. */
  clock?: ReturnType<typeof testClock>;
  /** With a health store, each pass asks the circuit breaker first and records its sends, as functions/drip.ts does. */
  health?: HealthStore;
  /** The compiled course the drip sends (default: build/emails.json); the checks follow its length. */
  course?: CompiledCourse;
  /** The course counters every service moves (a memory store by default). */
  counters?: CounterStore;
};

/** A reader's change as it was applied (time of the simulated clock). */
export type Applied = { email: string; kind: string; at: number };

/**
 * The simulation: readers sign up over the first week and confirm; every 5 to
 * 15 simulated minutes three runners each start a drip pass (the real sendDue)
 * at once, through fault-injecting adapters, while the readers' own changes
 * (through the real services) land in the same turn. The clock stands still
 * during a turn: a pass takes seconds, a turn minutes.
 */
export async function runScenario(options: ScenarioOptions) {
  const { runners: runnerCount = 3, runEvery = [5, 15], course = compiledCourse } = options;
  const random = seeded(options.seed);
  const start = Date.parse(options.start);
  const clock = options.clock ?? testClock(new Date(start));
  const health = options.health && { health: options.health, clock };
  const timer = virtualTimer();
  const ledger = createLedger();
  const schedule = observeSchedule(options.store);
  const counters = options.counters ?? createMemoryCounterStore();
  const shared = { store: schedule.store, mailbox: createMailbox(course, clock, ledger, schedule), counters };
  const plans = makePlans(options.readers, start, random, options.signupDays);
  const rejected = new Set(plans.filter((plan) => plan.rejected).map((plan) => plan.email));
  const runners = Array.from({ length: runnerCount }, () =>
    createRunner(shared, options.rates, random, ledger, (to) => rejected.has(to)),
  );
  const noFaults = { throttle: 0, serverError: 0, timeoutBefore: 0, timeoutAfter: 0, crashAfterClaim: 0, crashAfterSend: 0 };
  const reader = createRunner(shared, { ...noFaults, conflict: options.rates.conflict }, random, ledger, () => false);
  const base = { clock, course, config: testConfig, limiter: createMemoryRateLimiter() };
  const readerDeps: ServiceDeps = { ...base, store: reader.store, mailer: reader.mailer, counters };

  const totals = {
    passes: 0, crashedPasses: 0, claimed: 0, sent: 0, failed: 0, skipped: 0, throttledRuns: 0, turns: 0, retriedActions: 0,
    // Passes that could not read the breaker's counts (BatchGet kept keys unprocessed) and so sent nothing; passes it paused.
    breakerUnread: 0, breakerPaused: 0,
  };
  const applied: Applied[] = [];
  const stuck: string[] = [];
  let events = plans.flatMap((plan) => eventsOf(plan, health));

  /** As functions/drip.ts: no counts, no run (the Lambda fails and the next minute tries again); open, no run. */
  const breakerAllows = async () => {
    if (!health) return true;
    const check = await checkBreaker(health).catch((error: unknown) => {
      if (!/unprocessed/.test(String(error))) throw error;
      return undefined;
    });
    if (!check) totals.breakerUnread++;
    else if (check.open) totals.breakerPaused++;
    return check?.open === false;
  };

  const pass = async (runner: (typeof runners)[number]) => {
    if (!(await breakerAllows())) return;
    runner.begin();
    try {
      const summary: DripSummary = await sendDue({ ...base, store: runner.store, mailer: runner.mailer, counters: runner.counters }, { timer });
      if (health) await recordSends(health, summary.sent);
      totals.claimed += summary.claimed;
      totals.sent += summary.sent;
      totals.failed += summary.failed;
      totals.skipped += summary.skipped;
      if (summary.throttled) totals.throttledRuns++;
    } catch (error) {
      if (!(error instanceof SimCrash)) throw error;
      totals.crashedPasses++;
    } finally {
      totals.passes++;
      runner.end();
    }
  };

  const act = async (event: SimEvent) => {
    // Land anywhere in the passes' timeline: before, between or after a claim and its send.
    for (let wait = Math.floor(random() * 24); wait > 0; wait--) await turn();
    try {
      await event.run(readerDeps, clock.now());
      applied.push({ email: event.email, kind: event.kind, at: clock.now().getTime() });
      if (event.then) events.push(event.then);
    } catch (error) {
      // A lesson in flight makes pause and restart answer "try again in a minute": the reader does.
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'gone') return;
      if (error.code !== 'conflict' || event.tries >= 20) throw error;
      // Refused for the reader's state (pausing a finished course): they leave it there.
      const status = (await options.store.get(event.email))?.status;
      if (status !== 'active' && status !== 'paused') return;
      totals.retriedActions++;
      events.push({ ...event, at: clock.now().getTime() + 10 * MINUTE_MS, tries: event.tries + 1 });
    }
  };

  const end = start + options.days * DAY_MS;
  let nextCheck = start + DAY_MS;
  for (let now = start; now < end; ) {
    now += (runEvery[0] + random() * (runEvery[1] - runEvery[0])) * MINUTE_MS;
    clock.set(new Date(now));
    const ready = events.filter((event) => event.at <= now);
    events = events.filter((event) => event.at > now);
    totals.turns++;
    await Promise.all([...runners.map(pass), ...ready.map(act)]);
    if (now >= nextCheck) {
      nextCheck += DAY_MS;
      stuck.push(...(await findStuck(options.store, plans, now, options.stuckAfterMs)));
    }
  }
  // A reader who left 30 days before the end is reduced to a keyed hash: what is left is its status.
  const records = await Promise.all(
    plans.map(async (plan) => {
      const record = await options.store.get(plan.email);
      if (record) return record;
      const kept = await options.store.suppression(suppressionHash({ config: testConfig }, plan.email));
      return kept && ({ status: kept.status, reduced: true } as Partial<Subscriber> as Subscriber);
    }),
  );
  // What crashed passes had counted and never wrote: the counters may fall short of the records by exactly this.
  const lost = runners.reduce((sum, runner) => merge(sum, runner.lost), new Map() as Tally);
  return { plans, ledger, applied, stuck, totals, records, end, course, counters, lost, store: options.store };
}

type SimEvent = {
  email: string;
  kind: string;
  at: number;
  tries: number;
  run: (deps: ServiceDeps, now: Date) => Promise<unknown>;
  then?: SimEvent;
};

function eventsOf(plan: Plan, health?: Parameters<typeof recordFeedback>[0]): SimEvent[] {
  const { email } = plan;
  const event = (kind: string, at: number, run: SimEvent['run'], then?: SimEvent): SimEvent => ({ email, kind, at, tries: 0, run, then });
  const ids = simLinkIds(email);
  const { preferences, unsubscribe } = linksOf(ids);
  const change = (deps: ServiceDeps, action: Parameters<typeof changePreferences>[2]) => changePreferences(deps, preferences, action);
  const signup = event('confirm', plan.signupAt, async (deps, now) => {
    const consent = { at: now.toISOString(), ip: '192.0.2.1', userAgent: 'sim', formVersion: '1' };
    const pending = newPending({ email, timezone: plan.timezone, sendHour: plan.sendHour, consent }, ids.optinId, now, 0, ids);
    await deps.store.link(ids.linkId, email);
    await retryOnConflict(async () => {
      const existing = await deps.store.get(email);
      if (existing) return existing;
      const stored = await deps.store.put(pending, null);
      // As the notice worker does for a sign-up from the form.
      if (stored) await countSignup(counterSink(deps), stored);
      return stored;
    });
    return confirm(deps, signRecordLink(TEST_KEYS, 'confirm', { linkId: ids.linkId, secret: ids.optinId }));
  });
  const action = plan.action;
  if (!action) return [signup];
  switch (action.kind) {
    case 'unsubscribe':
      return [signup, event('unsubscribe', action.at, (deps) => unsubscribeByToken(deps, unsubscribe))];
    case 'complaint':
      return [signup, event('complaint', action.at, (deps, now) => retryOnConflict(async () => complain(deps, email, now, health)))];
    case 'restart':
      return [signup, event('restart', action.at, (deps) => change(deps, { action: 'restart' }))];
    case 'schedule':
      return [signup, event('schedule', action.at, (deps) => change(deps, { action: 'schedule', sendHour: action.sendHour, timezone: action.timezone }))];
    case 'pause': {
      const resume = action.resumeAt ? event('resume', action.resumeAt, (deps) => change(deps, { action: 'resume' })) : undefined;
      return [signup, event('pause', action.at, (deps) => change(deps, { action: 'pause' }), resume)];
    }
  }
}

/** A reader's link ids, derived from the address so every runner agrees (8, 6 and 6 bytes). */
function simLinkIds(email: string) {
  const digest = createHash('sha256').update(email).digest();
  const b64 = (from: number, to: number) => digest.subarray(from, to).toString('base64url');
  return { linkId: b64(0, 8), linkSecret: b64(8, 14), optinId: b64(14, 20) };
}

/** A complaint through SES's feedback: the pure transition, written like every other change, and counted for the breaker. */
async function complain(deps: ServiceDeps, email: string, now: Date, health?: Parameters<typeof recordFeedback>[0]): Promise<Subscriber | true | undefined> {
  const sub = await deps.store.get(email);
  if (!sub || sub.status === 'suppressed') return true;
  const stored = await deps.store.put(suppress(sub, now, 'complaint', 'complaint'), sub.version);
  if (stored) await countWrite(counterSink(deps), sub, stored);
  if (stored && health) await recordFeedback(health, sub.sends.length > 0 ? { lessonComplaints: 1 } : { otherComplaints: 1 });
  return stored;
}

/** Readers the drip has lost: meant to get lessons but without a due time, or due long ago. */
async function findStuck(store: SubscriberStore, plans: Plan[], now: number, lateMs: number): Promise<string[]> {
  const found: string[] = [];
  for (const plan of plans) {
    const sub = await store.get(plan.email);
    if (!sub) continue;
    const waiting = sub.status === 'active' || sub.status === 'paused';
    const indexed = sub.due !== undefined && sub.dueShard !== undefined && sub.nextDay !== undefined;
    if (waiting !== indexed) found.push(`${sub.email} ${sub.status} ${indexed ? 'in' : 'missing from'} the due index`);
    else if (waiting && (sub.due ?? 0) < now - lateMs) found.push(`${sub.email} due ${new Date(sub.due ?? 0).toISOString()}, not sent`);
  }
  return found;
}
