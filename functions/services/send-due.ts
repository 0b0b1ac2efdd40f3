import { DUE_SHARDS } from '../core/subscriber.js';
import { createTokenBucket } from '../core/token-bucket.js';
import type { Timer } from '../ports.js';
import { deliver, halt, type Run } from './deliver.js';
import type { ServiceDeps } from './deps.js';
import { counterSink, runTally } from './counting.js';
import type { DripSummary } from './drip-summary.js';
import { dueItems } from './due-items.js';

export type { DripSummary } from './drip-summary.js';

export type DripOptions = {
  /** Real-time ms left before the caller must stop (Lambda's remaining time). */
  timeLeftMs?: () => number;
  /** Stop claiming when less than this is left, so in-flight sends can finish. */
  reserveMs?: number;
  /** Index items per query. Small pages keep few readers in memory at once (the run streams). */
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


/**
 * One drip pass: walk the due index, and for each due lesson take a send slot,
 * claim the lesson with a conditional write, send it, then advance the reader
 * with a second conditional write. Up to `maxInFlight` lessons move at once,
 * all paced by one token bucket at SES's rate. Never more than one lesson per
 * reader per pass: an advance moves `due` at least 8 hours ahead, a failure at
 * least 5 minutes, and the index walk never goes back.
 */
export async function sendDue(deps: ServiceDeps, options: DripOptions = {}): Promise<DripSummary> {
  const { timeLeftMs = () => Infinity, reserveMs = 10_000, pageSize = 25, leaseMs = 10 * 60_000, timer } = options;
  const quota = timer && options.ratePerSecond === undefined ? await deps.mailer.quota?.() : undefined;
  const rate = options.ratePerSecond ?? quota?.maxSendRate ?? Infinity;
  const paced = timer !== undefined && Number.isFinite(rate);
  // The run's counter increments add up here and are written once, at the end: a pass of any size
  // costs one write per counter item it touched (a lesson, a cohort week...), not one per lesson.
  const counts = runTally();
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
    sink: counts.sink,
  };
  const items = dueItems(deps.store, options.shards ?? ALL_SHARDS, deps.clock.now().getTime(), pageSize, (n) => {
    summary.read += n;
  });
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    try {
      while (!run.stop) {
        if (run.nearDeadline()) return halt(run);
        if (run.sendsLeft <= 0) {
          summary.stoppedEarly = true; // the daily quota is spent; sends already booked still go
          return;
        }
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
  // Also after a failed pass: what was written before it stopped is counted.
  await counterSink(deps)(counts.tally);
  if (failure) throw failure.error;
  return summary;
}
