import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { Clock } from '../functions/ports.js';

/**
 * The local stack's simulated time, kept in `.data/clock.json` so a restart mid-course carries
 * on the course instead of jumping back to today. Simulated time never runs backwards across
 * restarts: a fast clock resumes where it stopped; at real speed (CLOCK_SPEED=1) the lead a
 * fast run gained is kept as an offset (simulated = real + offset), since the time the stack
 * was down really passed.
 */
const savedSchema = z.object({ simulatedNow: z.iso.datetime(), speed: z.number().positive(), savedAt: z.iso.datetime() });
export type SavedClock = z.infer<typeof savedSchema>;

export type ClockStart = {
  /** Simulated epoch ms at the real instant `realNow` the stack starts. */
  simStart: number;
  how: 'fresh' | 'reset' | 'resumed' | 'ahead';
};

export const clockFile = (dataDir: string) => join(dataDir, 'clock.json');

export function clockStart(saved: SavedClock | undefined, speed: number, realNow: number, reset = false): ClockStart {
  if (reset) return { simStart: realNow, how: 'reset' };
  if (!saved) return { simStart: realNow, how: 'fresh' };
  const savedSim = Date.parse(saved.simulatedNow);
  if (speed > 1) return { simStart: savedSim, how: 'resumed' };
  const lead = savedSim - Date.parse(saved.savedAt);
  // Never before the saved time, even if the machine's clock was set back meanwhile.
  const simStart = Math.max(savedSim, realNow + Math.max(0, lead));
  return { simStart, how: simStart > realNow ? 'ahead' : 'fresh' };
}

/** Simulated time that runs `speed` times faster than the wall clock, from `simStart` at `realStart`. */
export function runningClock(speed: number, simStart: number, realStart: number, realNow = Date.now): Clock {
  return { now: () => new Date(simStart + (realNow() - realStart) * speed), speed };
}

export function loadClock(dataDir: string): SavedClock | undefined {
  try {
    const parsed = savedSchema.safeParse(JSON.parse(readFileSync(clockFile(dataDir), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function saveClock(dataDir: string, clock: Clock, speed: number, realNow = new Date()): void {
  const file = clockFile(dataDir);
  const state: SavedClock = { simulatedNow: clock.now().toISOString(), speed, savedAt: realNow.toISOString() };
  // Written aside and renamed, so a crash mid-write never leaves a clock that cannot be read.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/**
 * Saves the clock now, every `everyMs` and at `stop()`. A crash loses at most `everyMs` of
 * real time (at 1440x, two seconds are 48 simulated minutes: lessons then wait that much longer).
 */
export function keepClock(dataDir: string, clock: Clock, speed: number, everyMs = 2_000): { stop(): void } {
  const save = () => saveClock(dataDir, clock, speed);
  save();
  const timer = setInterval(save, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      save();
    },
  };
}

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const [days, hours, mins] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
  return [days && `${days} d`, hours && `${hours} h`, `${mins} min`].filter(Boolean).join(' ');
}

/** The start-up line that says which time the stack runs on, and how to start over. */
export function describeClock(start: ClockStart, speed: number, realNow: number, dataDir: string): string {
  const pace = speed === 1 ? 'real time' : `${speed}x (a course day every ${(1440 / speed).toFixed(1)} min)`;
  const at = new Date(start.simStart).toISOString().slice(0, 16).replace('T', ' ');
  switch (start.how) {
    case 'reset':
      return `${pace}, reset to the real clock (--reset-clock)`;
    case 'fresh':
      return `${pace}, starting now (kept in ${clockFile(dataDir)}; a restart carries on from there)`;
    case 'resumed':
      return `${pace}, resumed at ${at} UTC where the last run stopped (npm start -- --reset-clock starts over)`;
    case 'ahead':
      return `${pace} + ${duration(start.simStart - realNow)}, the lead of the last fast run, so time never runs backwards (npm start -- --reset-clock returns to the real clock)`;
  }
}
