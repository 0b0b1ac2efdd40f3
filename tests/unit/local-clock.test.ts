import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clockStart, loadClock, runningClock, saveClock, type SavedClock } from '../../scripts/local-clock.js';

/** Where the local stack's simulated time starts after a restart: never behind where it stopped. */
const HOUR = 3_600_000;
const real = Date.parse('2026-12-01T12:00:00Z');
const saved = (simulatedNow: number, savedAt: number, speed = 1440): SavedClock => ({
  simulatedNow: new Date(simulatedNow).toISOString(),
  savedAt: new Date(savedAt).toISOString(),
  speed,
});

describe('clockStart', () => {
  it('starts from the real time with nothing saved, or when asked to reset', () => {
    expect(clockStart(undefined, 1440, real)).toEqual({ simStart: real, how: 'fresh' });
    expect(clockStart(saved(real + 90 * HOUR, real - HOUR), 1440, real, true)).toEqual({ simStart: real, how: 'reset' });
  });

  it('resumes a fast clock exactly where it stopped, however long the stack was down', () => {
    const stoppedAt = real + 5 * 24 * HOUR;
    expect(clockStart(saved(stoppedAt, real - 48 * HOUR), 1440, real)).toEqual({ simStart: stoppedAt, how: 'resumed' });
  });

  it('at real speed after a fast run keeps the lead (simulated = real + offset) instead of jumping back', () => {
    const start = clockStart(saved(real + 70 * HOUR, real - 2 * HOUR), 1, real);
    expect(start).toEqual({ simStart: real + 72 * HOUR, how: 'ahead' });
  });

  it('at real speed with no lead is simply the real clock', () => {
    expect(clockStart(saved(real - 3 * HOUR, real - 3 * HOUR, 1), 1, real)).toEqual({ simStart: real, how: 'fresh' });
  });

  it('never starts before the saved time, even if the machine clock was set back', () => {
    const start = clockStart(saved(real + HOUR, real + HOUR, 1), 1, real);
    expect(start.simStart).toBe(real + HOUR);
  });
});

describe('the saved clock', () => {
  it('round-trips through clock.json, and a running clock moves at its speed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'letgo-clock-'));
    let wall = real;
    const clock = runningClock(1440, real + HOUR, real, () => wall);
    wall += 60_000;
    expect(clock.now().toISOString()).toBe(new Date(real + HOUR + 24 * HOUR).toISOString());
    saveClock(dir, clock, 1440, new Date(wall));
    expect(loadClock(dir)).toEqual(saved(real + 25 * HOUR, wall));
    expect(loadClock(join(dir, 'missing'))).toBeUndefined();
  });
});

describe('runningClock', () => {
  it('says how fast it runs, so what a person must do in time keeps its real minutes (services/deps.ts humanWindowMs)', async () => {
    const { humanWindowMs } = await import('../../functions/services/deps.js');
    const clock = runningClock(1440, real, real, () => real + 1_000);
    expect(clock.now().getTime()).toBe(real + 1_440_000);
    expect(clock.speed).toBe(1440);
    // A 15-minute sign-in link lasts 15 real minutes on a clock 1440 times faster.
    expect(humanWindowMs(clock, 15 * 60_000) / 1440).toBe(15 * 60_000);
  });
});
