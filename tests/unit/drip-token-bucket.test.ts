import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenBucket } from '../../functions/core/token-bucket.js';

/** The most send slots in any half-open window [s, s + windowMs) of the sorted slots. */
function busiestWindow(slots: number[], windowMs: number): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < slots.length; last++) {
    while ((slots[first] ?? 0) <= (slots[last] ?? 0) - windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe('token bucket (pure, time as an argument)', () => {
  it('spaces slots 1/rate apart: 14 a second at SES default rate, first one at once', () => {
    const bucket = createTokenBucket(14);
    const waits = Array.from({ length: 29 }, () => bucket.reserve(0));
    expect(waits[0]).toBe(0);
    expect(waits[1]).toBeCloseTo(71.429, 2);
    expect(busiestWindow(waits, 1000)).toBe(14);
    expect(waits.at(-1)).toBeCloseTo(2000, 0);
  });

  it('never makes an idle sender wait', () => {
    const bucket = createTokenBucket(10);
    for (let t = 0; t < 10_000; t += 150) expect(bucket.reserve(t)).toBe(0);
  });

  it('holds every sender off after throttling, then resumes the pace', () => {
    const bucket = createTokenBucket(10);
    expect(bucket.reserve(0)).toBe(0);
    bucket.holdOff(50, 2_000);
    expect(bucket.reserve(60)).toBe(1_990);
    expect(bucket.reserve(60)).toBe(2_090);
    // A hold-off shorter than the queue already booked changes nothing.
    bucket.holdOff(60, 10);
    expect(bucket.reserve(60)).toBe(2_190);
  });

  it('refuses a rate that is not a positive number', () => {
    for (const rate of [0, -1, Number.NaN, Infinity]) expect(() => createTokenBucket(rate)).toThrow(/positive/);
  });

  it('property: whatever the rate and request times, no one-second window holds more than the rate', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 600, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 300 }),
        (rate, gaps) => {
          const bucket = createTokenBucket(rate);
          let now = 0;
          const slots = gaps.map((gap) => {
            now += gap;
            const wait = bucket.reserve(now);
            expect(wait).toBeGreaterThanOrEqual(0);
            return now + wait;
          });
          expect(slots).toEqual([...slots].sort((a, b) => a - b));
          expect(busiestWindow(slots, 1000)).toBeLessThanOrEqual(Math.ceil(rate));
        },
      ),
      { numRuns: 300 },
    );
  });
});
