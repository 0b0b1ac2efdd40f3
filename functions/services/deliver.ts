import { randomUUID } from 'node:crypto';
import type { CompiledLesson } from '../core/message.js';
import {
  claimLesson,
  finishShortenedCourse,
  isClaimable,
  isReducible,
  recordFailure,
  recordSend,
  recordSendFallback,
  type SendRecord,
  type Subscriber,
} from '../core/subscriber.js';
import type { TokenBucket } from '../core/token-bucket.js';
import { MailerError, type Timer } from '../ports.js';
import { maskEmail, type ServiceDeps } from './deps.js';
import { withLinkIds } from './notices.js';
import { countWrite, type Sink } from './counting.js';
import { sendTemplate } from './notify.js';
import { reduceRecord } from './retention.js';
import type { DripSummary } from './drip-summary.js';

const THROTTLE_BACKOFF_MS = 1_000;
const SETTLE_TRIES = 10;

/** What the concurrent senders of one drip pass share (see send-due.ts). */
export type Run = {
  deps: ServiceDeps;
  summary: DripSummary;
  leaseMs: number;
  throttleRetries: number;
  sendsLeft: number;
  timer?: Timer;
  bucket?: TokenBucket;
  nearDeadline: () => boolean;
  stop: boolean;
  /** Where this run's counter increments add up (written once, at the end of the pass). */
  sink: Sink;
};

/** Claims no more in this run; what is left stays due for the next. */
export function halt(run: Run): void {
  run.summary.stoppedEarly = true;
  run.stop = true;
}

/** Waits for this run's next send slot (no wait when unpaced). */
async function pace(run: Run): Promise<void> {
  if (!run.bucket || !run.timer) return;
  const wait = run.bucket.reserve(run.timer.nowMs());
  if (wait > 0) await run.timer.sleep(wait);
}

/**
 * One due lesson: book a send out of the quota, wait for a send slot, claim
 * it with a conditional write, send it, then settle the reader's record with
 * a second conditional write (advance, or back off, or suppress).
 */
export async function deliver(run: Run, item: Subscriber): Promise<void> {
  const { deps, summary } = run;
  // A reader who left 30 days ago: reduce the record, nothing to send.
  if (isReducible(item, deps.clock.now())) {
    await reduceRecord(deps, item, run.sink);
    summary.skipped++;
    return;
  }
  if (!isClaimable(item, deps.clock.now())) {
    summary.skipped++;
    return;
  }
  // The course was shortened past this reader's next lesson: finish it, nothing to send.
  if (finishShortenedCourse(item, deps.course.totalDays, deps.clock.now()) !== item) {
    await settle(run, item, (fresh) => finishShortenedCourse(fresh, deps.course.totalDays, deps.clock.now()));
    summary.skipped++;
    return;
  }
  // A send is booked out of the daily quota before any wait, so concurrent
  // senders never overshoot it, and handed back if it does not happen.
  if (run.sendsLeft <= 0) {
    summary.stoppedEarly = true;
    return;
  }
  run.sendsLeft--;
  // The slot comes before the claim, so no claim sits waiting in the queue;
  // the wait may have taken us to the deadline.
  await pace(run);
  if (run.stop || run.nearDeadline()) {
    run.sendsLeft++;
    return halt(run);
  }
  const claimed = await claim(run, item);
  if (!claimed?.claim) {
    run.sendsLeft++;
    summary.skipped++;
    return;
  }
  summary.claimed++;
  const { id: claimId, day } = claimed.claim;
  const lesson = deps.course.lessons[day - 1];
  if (!lesson) throw new Error(`course has no lesson for day ${day}`);
  const outcome = await sendWithRetries(run, claimed, lesson);
  if (!(outcome instanceof MailerError)) {
    await recordAccepted(run, claimed, { day, at: deps.clock.now().toISOString(), messageId: outcome.messageId }, claimId);
    summary.sent++;
    return;
  }
  summary.failed++;
  const { kind } = outcome;
  if (kind === 'unsendable') {
    // Nothing to do with this reader, and every other send would fail alike: stop, as a store
    // error does. The claim is left to expire, so the lesson goes out once the cause is fixed.
    deps.log?.('drip.send-refused', { level: 'ERROR', email: maskEmail(claimed.email), day, kind, error: outcome.message });
    throw outcome;
  }
  deps.log?.('drip.send-failed', { email: maskEmail(claimed.email), day, kind, error: outcome.message });
  await settle(run, claimed, (fresh) => recordFailure(fresh, deps.clock.now(), kind, claimId));
  if (kind === 'throttled') {
    // SES is still saying "slow down" after our back-off: leave the rest due for the next run.
    summary.throttled = true;
    halt(run);
  }
}

/**
 * Claims with a conditional write on the version the index showed. The due
 * index is eventually consistent, so that copy may be stale (a write the
 * index has not caught up on): on a refusal the record is read once, strongly
 * consistent, and claimed at its current version if the lesson is still due
 * and unclaimed. Otherwise another runner has it, or it was sent, or the
 * reader left: nothing to do here.
 */
async function claim(run: Run, item: Subscriber): Promise<Subscriber | undefined> {
  const { store, clock } = run.deps;
  const claimId = randomUUID();
  const now = clock.now();
  const claimed = await store.put(claimLesson(await linked(run, item), claimId, now, run.leaseMs), item.version);
  // A paused reader whose pause is over becomes active with this claim: that moves the counters.
  if (claimed) return counted(run, item, claimed);
  const fresh = await store.get(item.email);
  if (!fresh || fresh.version === item.version || !isClaimable(fresh, now)) return undefined;
  const retried = await store.put(claimLesson(await linked(run, fresh), claimId, now, run.leaseMs), fresh.version);
  return retried && counted(run, fresh, retried);
}

async function counted(run: Run, before: Subscriber, stored: Subscriber): Promise<Subscriber> {
  await countWrite(run.sink, before, stored);
  return stored;
}

/** A record from before compact links gets its link ids now, mapped before any email carries them. */
async function linked(run: Run, sub: Subscriber): Promise<Subscriber> {
  if (sub.linkId && sub.linkSecret) return sub;
  const ids = withLinkIds(sub);
  await run.deps.store.link(ids.linkId as string, ids.email);
  return ids;
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
 * SES has the lesson: record it and move the reader on. When that keeps
 * throwing (a write the store refuses, a zone that no longer resolves), the
 * fallback advance is written instead, because a claim left to expire would
 * send the lesson again, every lease, for good. Only when the fallback fails
 * too does the claim stay: its expiry then re-sends the lesson once, the one
 * duplicate SES's lack of an idempotency key leaves open.
 */
async function recordAccepted(run: Run, claimed: Subscriber, send: SendRecord, claimId: string): Promise<void> {
  const { deps } = run;
  const fields = { email: maskEmail(claimed.email), day: send.day, messageId: send.messageId };
  try {
    await settle(run, claimed, (fresh) => recordSend(fresh, send, deps.course.totalDays, claimId));
    return;
  } catch (error) {
    deps.log?.('drip.record-fallback', { level: 'ERROR', ...fields, error: String(error) });
  }
  try {
    await settle(run, claimed, (fresh) => recordSendFallback(fresh, send, deps.course.totalDays, claimId));
  } catch (error) {
    deps.log?.('drip.record-failed', { level: 'ERROR', ...fields, error: String(error), consequence: 'the claim expires and this lesson is sent again' });
    throw error;
  }
}

/**
 * Applies a send's result to the freshest record: a reader may have
 * unsubscribed while their lesson was in flight, and that must not be
 * overwritten. Conflicts are retried (a reader's change, or DynamoDB's);
 * giving up leaves the claim to expire, as a crash would.
 */
async function settle(run: Run, claimed: Subscriber, apply: (fresh: Subscriber) => Subscriber): Promise<void> {
  const { deps } = run;
  let current: Subscriber | undefined = claimed;
  for (let i = 0; i < SETTLE_TRIES; i++) {
    current ??= await deps.store.get(claimed.email);
    if (!current) return; // erased meanwhile (the reader asked to be forgotten)
    const next = apply(current);
    if (next === current) return;
    const stored = await deps.store.put(next, current.version);
    if (stored) return void (await countWrite(run.sink, current, stored));
    current = undefined;
  }
  throw new Error(`drip: could not record the result for ${maskEmail(claimed.email)} after ${SETTLE_TRIES} tries`);
}
