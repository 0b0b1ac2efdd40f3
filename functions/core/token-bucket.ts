/**
 * Paces the sends of one drip run to SES's MaxSendRate. Pure: time is an
 * argument, and the caller does the waiting. Every concurrent sender of a run
 * books its slot here before sending; JavaScript runs one `reserve` at a time,
 * so the senders share the rate without a lock.
 *
 * The bucket holds one token (a GCRA with no burst): slots are spaced at least
 * 1/rate apart, so no one-second window ever holds more than the rate (rounded
 * up when the rate is fractional). A bigger burst would let the first second
 * of a run go over what SES counts per second.
 */
export type TokenBucket = {
  readonly ratePerSecond: number;
  /** Books the next send slot at or after `nowMs`; returns how long to wait for it (ms). */
  reserve(nowMs: number): number;
  /** SES said "slow down": no slot before `nowMs + ms`, for every sender of the run. */
  holdOff(nowMs: number, ms: number): void;
};

export function createTokenBucket(ratePerSecond: number): TokenBucket {
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
    throw new Error(`a send rate must be a positive number, got ${ratePerSecond}`);
  }
  // Whole microseconds, rounded up: exact integer steps never drift, and
  // rounding up can only make the pace slower than the rate, never faster.
  const intervalUs = Math.ceil(1_000_000 / ratePerSecond);
  let nextSlotUs = -Infinity;
  const toUs = (ms: number) => Math.ceil(ms * 1000);
  return {
    ratePerSecond,
    reserve(nowMs) {
      const nowUs = toUs(nowMs);
      const slotUs = Math.max(nowUs, nextSlotUs);
      nextSlotUs = slotUs + intervalUs;
      return (slotUs - nowUs) / 1000;
    },
    holdOff(nowMs, ms) {
      nextSlotUs = Math.max(nextSlotUs, toUs(nowMs + ms));
    },
  };
}
