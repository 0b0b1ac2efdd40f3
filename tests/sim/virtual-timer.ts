import type { Timer } from '../../functions/ports.js';

/**
 * Virtual monotonic time for pacing: `sleep(ms)` lets other ready work run
 * (one macrotask turn), then moves time to the earliest sleeper's wake-up and
 * wakes it. Nothing waits for real, and sleepers wake in time order, which is
 * all the token bucket, the back-off and the deadlines need.
 */
export function virtualTimer(start = 0): Timer & { sleeps: number } {
  let now = start;
  const sleepers: Array<{ at: number; wake: () => void }> = [];
  const advance = () => {
    let earliest = 0;
    for (let i = 1; i < sleepers.length; i++) if ((sleepers[i]?.at ?? 0) < (sleepers[earliest]?.at ?? 0)) earliest = i;
    const [next] = sleepers.splice(earliest, 1);
    if (!next) return;
    now = Math.max(now, next.at);
    next.wake();
  };
  const timer = {
    sleeps: 0,
    nowMs: () => now,
    sleep: (ms: number) =>
      new Promise<void>((wake) => {
        timer.sleeps++;
        sleepers.push({ at: now + Math.max(0, ms), wake });
        setImmediate(advance);
      }),
  };
  return timer;
}
