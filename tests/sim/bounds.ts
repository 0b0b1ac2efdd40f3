import type { FaultRates } from './faults.js';

/** The faults both simulations inject. */
export const FAULTS: FaultRates = {
  // 20% of SES calls fail: throttling, 5xx, timeouts before and after SES accepted.
  throttle: 0.05,
  serverError: 0.06,
  timeoutBefore: 0.05,
  timeoutAfter: 0.04,
  conflict: 0.05,
  crashAfterClaim: 0.01,
  crashAfterSend: 0.01,
};

/** Runs come every 5 to 15 minutes: a due lesson waits at most this long for one. */
export const RUN_GAP_MIN = 15;

/**
 * How late a lesson may be. A lesson waits at most one run gap for a run.
 * Each failed try costs at most its back-off (5 min x tries so far, or the
 * 10-minute lease of a crashed claim) plus another run gap. A try fails with
 * p <= 0.26 (20% SES + 5% claim conflict + 1% crash), so 11 failures in a row
 * happen with p <= 0.26^11 = 3.7e-7: 0.008 expected among ~21,000 lessons.
 * The bound allows 10 failed tries: 15 + sum over k=1..10 of (max(5k, 10) + 15) = 445 minutes.
 */
const TRIES_ALLOWED = 10;
export const LATE_BOUND_MIN =
  RUN_GAP_MIN + Array.from({ length: TRIES_ALLOWED }, (_, i) => Math.max(5 * (i + 1), 10) + RUN_GAP_MIN).reduce((a, b) => a + b, 0);

/**
 * The longest a write takes to reach the memory store's due index in the
 * simulation (DynamoDB's GSI lag, made long on purpose: longer than a run gap).
 * It leaves LATE_BOUND_MIN as it is: a stale copy of a due record is read
 * again and claimed, not skipped, so lag delays only a record new to the
 * index (day 1 right after confirming), by at most this, once.
 */
export const INDEX_LAG_MIN = 20;
