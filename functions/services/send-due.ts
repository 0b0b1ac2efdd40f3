import { randomUUID } from 'node:crypto';
import { claimLesson, DUE_SHARDS, isClaimable, recordFailure, recordSend, type Subscriber } from '../core/subscriber.js';
import type { CompiledLesson } from '../core/message.js';
import { createTokenBucket, type TokenBucket } from '../core/token-bucket.js';
import { MailerError, type Timer } from '../ports.js';
import { maskEmail, type ServiceDeps } from './deps.js';
import { dueItems } from './due-items.js';
import { sendTemplate } from './notify.js';

export type DripSummary = {
  claimed: number;
  sent: number;
  failed: number;
  skipped: number;
  /** SES kept throttling after the in-run retries: the run stopped and left the rest due. */
  throttled: boolean;
  stoppedEarly: boolean;
  /** Items read from the due index: grows with what is due, never with the list. */
  read: number;
  /** The pace of this run (sends per second); null when unpaced (no timer). */
  ratePerSecond: number | null;
};

export type DripOptions = {
  /** Real-time ms left before the caller must stop (Lambda's remaining time). */
  timeLeftMs?: () => number;
  /** Stop claiming when less than this is left, so in-flight sends can finish. */
  reserveMs?: number;
  pageSize?: number;
  /** How long a claim holds; must outlast the function's timeout, so a live runner's claim never expires. */
  leaseMs?: number;
  /** The shards this run walks (a fan-out worker's range); default all. */
  shards?: readonly number[];
  /** Sends per second; default SES's MaxSendRate, read once per run (only when paced). */
  ratePerSecond?: number;
  /** Sends this run may make (what is left of the 24-hour quota); default from the quota. */
  maxSends?: number;
  /** Pacing needs time and sleep; without a timer the run is unpaced (unit tests, the local stack). */
  timer?: Timer;
  /** Sends in flight at once; default min(rate, 10). */
  maxInFlight?: number;
  /** In-run retries of a throttled send, with doubling back-off, before it is left for the next run. */
  throttleRetries?: number;
};

const ALL_SHARDS = Array.from({ length: DUE_SHARDS }, (_, shard) => shard);
const THROTTLE_BACKOFF_MS = 1_000;
const SETTLE_TRIES = 10;

type Run = {
  deps: ServiceDeps;
  summary: DripSummary;
  leaseMs: number;
  throttleRetries: number;
  sendsLeft: number;
  timer?: Timer;
  bucket?: TokenBucket;
  nearDeadline: () => boolean;
  stop: boolean;
};

/**
 * One drip pass: walk the due index, and for each due lesson take a send slot,
 * claim the lesson with a conditional write, send it, then advance the reader
 * with a second conditional write. Up to `maxInFlight` lessons move at once,
 * all paced by one token bucket at SES's rate. Never more than one lesson per
 * reader per pass: an advance moves `due` at least 8 hours ahead, a failure at
 * least 5 minutes, and the index walk never goes back.
 */
export async function sendDue(deps: ServiceDeps, options: DripOptions = {}): Promise<DripSummary> {
  const { timeLeftMs = () => Infinity, reserveMs = 10_000, pageSize = 100, leaseMs = 10 * 60_000, timer } = options;
  const quota = timer && options.ratePerSecond === undefined ? await deps.mailer.quota?.() : undefined;
  const rate = options.ratePerSecond ?? quota?.maxSendRate ?? Infinity;
  const paced = timer !== undefined && Number.isFinite(rate);
  const summary: DripSummary = {
    claimed: 0, sent: 0, failed: 0, skipped: 0, throttled: false, stoppedEarly: false, read: 0, ratePerSecond: paced ? rate : null,
  };
  const run: Run = {
    deps,
    summary,
    leaseMs,
    throttleRetries: options.throttleRetries ?? 3,
    sendsLeft: options.maxSends ?? (quota ? quota.max24HourSend - quota.sentLast24Hours : Infinity),
    timer,
    bucket: paced ? createTokenBucket(rate) : undefined,
    nearDeadline: () => timeLeftMs() < reserveMs,
    stop: false,
  };
  const items = dueItems(deps.store, options.shards ?? ALL_SHARDS, deps.clock.now().getTime(), pageSize, (n) => {
    summary.read += n;
  });
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    try {
      while (!run.stop) {
        if (run.nearDeadline() || run.sendsLeft <= 0) return halt(run);
        const next = await items.next();
        if (next.done) return;
        await deliver(run, next.value);
      }
    } catch (error) {
      // A store or programming error: stop the whole pass, as a crash would.
      // Claims left behind expire and the next run retries them.
      run.stop = true;
      failure ??= { error };
    }
  };
  const inFlight = options.maxInFlight ?? Math.max(1, Math.min(Math.floor(rate), 10));
  await Promise.all(Array.from({ length: inFlight }, worker));
  if (failure) throw failure.error;
  return summary;
}

function halt(run: Run): void {
  run.summary.stoppedEarly = true;
  run.stop = true;
}

/** Waits for this run's next send slot (no wait when unpaced). */
async function pace(run: Run): Promise<void> {
  if (!run.bucket || !run.timer) return;
  const wait = run.bucket.reserve(run.timer.nowMs());
  if (wait > 0) await run.timer.sleep(wait);
}

async function deliver(run: Run, item: Subscriber): Promise<void> {
  const { deps, summary } = run;
  if (!isClaimable(item, deps.clock.now())) {
    summary.skipped++;
    return;
  }
  // The slot comes before the claim, so no claim sits waiting in the queue;
  // the wait may have taken us to the deadline.
  await pace(run);
  if (run.stop || run.nearDeadline()) return halt(run);
  const now = deps.clock.now();
  const claimed = await deps.store.put(claimLesson(item, randomUUID(), now, run.leaseMs), item.version);
  // Another runner claimed it first, or the index was stale: theirs to send.
  if (!claimed?.claim) {
    summary.skipped++;
    return;
  }
  summary.claimed++;
  run.sendsLeft--;
  const { id: claimId, day } = claimed.claim;
  const lesson = deps.course.lessons[day - 1];
  if (!lesson) throw new Error(`course has no lesson for day ${day}`);
  const outcome = await sendWithRetries(run, claimed, lesson);
  if (!(outcome instanceof MailerError)) {
    const send = { day, at: deps.clock.now().toISOString(), messageId: outcome.messageId };
    await settle(deps, claimed, (fresh) => recordSend(fresh, send, claimId));
    summary.sent++;
    return;
  }
  summary.failed++;
  deps.log?.('drip.send-failed', { email: maskEmail(claimed.email), day, kind: outcome.kind, error: outcome.message });
  await settle(deps, claimed, (fresh) => recordFailure(fresh, deps.clock.now(), outcome.kind, claimId));
  if (outcome.kind === 'throttled') {
    // SES is still saying "slow down" after our back-off: leave the rest due for the next run.
    summary.throttled = true;
    halt(run);
  }
}

/**
 * Sends, retrying a throttled send in this run: the whole run holds off
 * (1 s, 2 s, 4 s...) so every concurrent sender slows down, not just this one.
 * Returns the MailerError that ended the tries.
 */
async function sendWithRetries(run: Run, claimed: Subscriber, lesson: CompiledLesson) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await sendTemplate(run.deps, claimed, lesson, run.deps.clock.now());
    } catch (error) {
      if (!(error instanceof MailerError)) throw error;
      if (error.kind !== 'throttled' || !run.bucket || !run.timer || attempt >= run.throttleRetries) return error;
      run.bucket.holdOff(run.timer.nowMs(), THROTTLE_BACKOFF_MS * 2 ** attempt);
      await pace(run);
      if (run.nearDeadline()) return error;
    }
  }
}

/**
 * Applies a send's result to the freshest record: a reader may have
 * unsubscribed while their lesson was in flight, and that must not be
 * overwritten. Conflicts are retried (a reader's change, or DynamoDB's);
 * giving up leaves the claim to expire, as a crash would.
 */
async function settle(deps: ServiceDeps, claimed: Subscriber, apply: (fresh: Subscriber) => Subscriber): Promise<void> {
  let current: Subscriber | undefined = claimed;
  for (let i = 0; i < SETTLE_TRIES; i++) {
    current ??= await deps.store.get(claimed.email);
    if (!current) return; // erased meanwhile (the reader asked to be forgotten)
    const next = apply(current);
    if (next === current) return;
    if (await deps.store.put(next, current.version)) return;
    current = undefined;
  }
  throw new Error(`drip: could not record the result for ${maskEmail(claimed.email)} after ${SETTLE_TRIES} tries`);
}
