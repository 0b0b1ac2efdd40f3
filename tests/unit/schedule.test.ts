import { describe, expect, it } from 'vitest';
import { canonicalZone, isValidTimeZone, MIN_GAP_MS, nextLessonDue, resolveLocalTime } from '../../functions/core/schedule.js';
import { zoneName } from '../../functions/http/reader-pages.js';

const due = (sentAt: string, zone: string, hour = 8) => nextLessonDue(new Date(sentAt), zone, hour).toISOString();

describe('resolveLocalTime', () => {
  it.each([
    // zone, local wall time, expected instant
    ['America/New_York', [2026, 3, 8, 2, 30], '2026-03-08T07:30:00.000Z'], // skipped: moves forward to 03:30 EDT
    ['America/New_York', [2026, 11, 1, 1, 30], '2026-11-01T05:30:00.000Z'], // repeated: first (EDT)
    ['Europe/London', [2026, 3, 29, 1, 30], '2026-03-29T01:30:00.000Z'], // skipped: 02:30 BST
    ['Europe/London', [2026, 10, 25, 1, 30], '2026-10-25T00:30:00.000Z'], // repeated: first (BST)
    ['Australia/Lord_Howe', [2026, 10, 4, 2, 0], '2026-10-03T15:30:00.000Z'], // half-hour jump: 02:30 +11
    ['Australia/Lord_Howe', [2026, 4, 5, 1, 45], '2026-04-04T14:45:00.000Z'], // repeated half hour: first (+11)
    ['Pacific/Chatham', [2026, 9, 27, 3, 0], '2026-09-26T14:15:00.000Z'], // 02:45 -> 03:45 jump: 03:00 moves to 03:45 +13:45
    ['Pacific/Chatham', [2026, 4, 5, 2, 50], '2026-04-04T13:05:00.000Z'], // repeated: first (+13:45)
    ['Asia/Kathmandu', [2026, 6, 1, 8, 0], '2026-06-01T02:15:00.000Z'], // +05:45, no DST
  ] as const)('%s %j', (zone, [year, month, day, hour, minute], expected) => {
    expect(resolveLocalTime(zone, { year, month, day, hour, minute }).toISOString()).toBe(expected);
  });
});

describe('nextLessonDue', () => {
  it('is the next morning at the send hour when sent on time', () => {
    expect(due('2026-06-01T12:00:00Z', 'America/New_York')).toBe('2026-06-02T12:00:00.000Z'); // 08:00 EDT
  });

  it('keeps 08:00 local across the spring-forward night in New York', () => {
    expect(due('2026-03-07T13:00:00Z', 'America/New_York')).toBe('2026-03-08T12:00:00.000Z'); // EST -> EDT
  });

  it('keeps 08:00 local across the fall-back night in New York', () => {
    expect(due('2026-10-31T12:00:00Z', 'America/New_York')).toBe('2026-11-01T13:00:00.000Z'); // EDT -> EST
  });

  it('keeps 08:00 local across both London switches', () => {
    expect(due('2026-03-28T08:00:00Z', 'Europe/London')).toBe('2026-03-29T07:00:00.000Z');
    expect(due('2026-10-24T07:00:00Z', 'Europe/London')).toBe('2026-10-25T08:00:00.000Z');
  });

  it('handles quarter-hour and half-hour zones', () => {
    expect(due('2026-06-01T02:15:00Z', 'Asia/Kathmandu')).toBe('2026-06-02T02:15:00.000Z');
    expect(due('2026-09-26T19:15:00Z', 'Pacific/Chatham')).toBe('2026-09-27T18:15:00.000Z'); // 08:00 +12:45 -> +13:45
    expect(due('2026-10-02T21:30:00Z', 'Australia/Lord_Howe')).toBe('2026-10-03T21:00:00.000Z'); // +10:30 -> +11
  });

  it('moves a send hour that does not exist that day forward', () => {
    // 02:00 does not exist in New York on 2026-03-08: the lesson goes at 03:00 EDT.
    expect(due('2026-03-07T07:00:00Z', 'America/New_York', 2)).toBe('2026-03-08T07:00:00.000Z');
  });

  it('takes the first of a repeated send hour', () => {
    expect(due('2026-10-31T05:00:00Z', 'America/New_York', 1)).toBe('2026-11-01T05:00:00.000Z'); // 01:00 EDT
  });

  it('takes the second of a repeated send hour when the first is within 8 hours (issue 11)', () => {
    // 01:00 happens at 05:00Z (EDT) and 06:00Z (EST); only the second is 8 hours after the send.
    expect(due('2026-10-31T22:00:00Z', 'America/New_York', 1)).toBe('2026-11-01T06:00:00.000Z');
  });

  it('finds a moved-forward send hour that lands on the threshold after the local date changed (issue 11)', () => {
    // Nuuk skips 23:00-00:00 on 2026-03-28; 23:00 moves to 00:00 -01 = 01:00Z, exactly 8 hours on.
    expect(due('2026-03-28T17:00:00Z', 'America/Nuuk', 23)).toBe('2026-03-29T01:00:00.000Z');
  });

  it('after a late send, schedules from the actual send and never sooner than 8 hours', () => {
    // Due 08:00 EDT, went out at 23:30 EDT after an outage: next is 08:00 two days on? No: 08:00 next day is 8.5 h later.
    expect(due('2026-06-02T03:30:00Z', 'America/New_York')).toBe('2026-06-02T12:00:00.000Z');
    // Went out at 02:00 local: 08:00 the same morning is only 6 h later, so the next is the day after.
    expect(due('2026-06-02T06:00:00Z', 'America/New_York')).toBe('2026-06-03T12:00:00.000Z');
  });

  it('always leaves at least 8 hours and at most about 32 hours', () => {
    const zones = ['America/New_York', 'Europe/London', 'Asia/Kathmandu', 'Pacific/Chatham', 'Australia/Lord_Howe', 'UTC'];
    for (const zone of zones) {
      for (let step = 0; step < 24 * 4 * 400; step += 41) {
        const sent = Date.UTC(2026, 0, 1) + step * 15 * 60_000;
        for (const hour of [0, 2, 8, 23]) {
          const gap = nextLessonDue(new Date(sent), zone, hour).getTime() - sent;
          expect(gap).toBeGreaterThanOrEqual(MIN_GAP_MS);
          expect(gap).toBeLessThanOrEqual(33 * 3_600_000);
        }
      }
    }
  });
});

/**
 * A brute-force reference for the schedule rules, independent of the code
 * under test (Intl reads the wall clock, not luxon): walk the instants minute
 * by minute and note each instant whose local time is a whole hour, plus, for
 * each whole hour a DST jump skips, the instant it moves to (forward by the
 * jump). The next lesson is the first such instant for the send hour at least
 * 8 hours after the last send; a local time resolves to its first instant.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const formats = new Map<string, Intl.DateTimeFormat>();
function wallMinutes(zone: string, instant: number): number {
  const format =
    formats.get(zone) ??
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
  formats.set(zone, format);
  const part = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, Number(p.value)]));
  return Date.UTC(part.year ?? 0, (part.month ?? 1) - 1, part.day, part.hour, part.minute) / MINUTE;
}
const offsetAt = (zone: string, instant: number) => wallMinutes(zone, instant) - instant / MINUTE;

/** Every instant in 2026 at which the zone's offset changes, to the minute (no zone changes twice in 6 hours). */
function transitions2026(zone: string): number[] {
  const found: number[] = [];
  let before = offsetAt(zone, Date.UTC(2026, 0, 1));
  for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 6 * HOUR) {
    const after = offsetAt(zone, t + 6 * HOUR);
    if (after !== before) {
      let [low, high] = [t, t + 6 * HOUR];
      while (high - low > MINUTE) {
        const mid = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
        if (offsetAt(zone, mid) === before) low = mid;
        else high = mid;
      }
      found.push(high);
    }
    before = after;
  }
  return found;
}

type Slot = { at: number; wall: number };
/**
 * Every instant between two (minute-aligned) that counts as a whole local
 * hour. Minute by minute; within an hour whose two ends share an offset the
 * wall clock is read arithmetically (no zone changes offset twice in an hour).
 */
function slotsBetween(zone: string, from: number, to: number): Slot[] {
  const slots: Slot[] = [];
  let previous = wallMinutes(zone, from - MINUTE);
  for (let hourStart = from; hourStart < to; hourStart += HOUR) {
    const [start, end] = [offsetAt(zone, hourStart), offsetAt(zone, hourStart + HOUR)];
    for (let t = hourStart; t < hourStart + HOUR; t += MINUTE) {
      const wall = start === end ? t / MINUTE + start : wallMinutes(zone, t);
      for (let skipped = previous + 1; skipped < wall; skipped++) {
        if (skipped % 60 === 0) slots.push({ at: t + (skipped - previous - 1) * MINUTE, wall: skipped });
      }
      if (wall % 60 === 0) slots.push({ at: t, wall });
      previous = wall;
    }
  }
  return slots.sort((a, b) => a.at - b.at);
}
const hourOf = (slot: Slot) => Math.floor(slot.wall / 60) % 24;

describe('schedule against a brute-force reference, every 2026 transition', () => {
  const zones = [
    'America/Nuuk', 'America/Scoresbysund', 'America/New_York', 'America/St_Johns', 'America/Havana', 'America/Santiago',
    'Europe/London', 'Europe/Dublin', 'Africa/Casablanca', 'Africa/Cairo', 'Asia/Beirut', 'Asia/Tehran', 'Asia/Kathmandu',
    'Australia/Lord_Howe', 'Australia/Adelaide', 'Pacific/Chatham', 'Pacific/Auckland', 'Antarctica/Troll',
  ];
  it.each(zones)('%s', (zone) => {
    const changes = transitions2026(zone);
    const wrong: string[] = [];
    for (const change of changes.length > 0 ? changes : [Date.UTC(2026, 5, 1)]) {
      const slots = slotsBetween(zone, change - 32 * HOUR, change + 40 * HOUR);
      const check = (threshold: number, hour: number) => {
        const expected = slots.find((slot) => hourOf(slot) === hour && slot.at >= threshold)?.at;
        const actual = nextLessonDue(new Date(threshold - MIN_GAP_MS), zone, hour).getTime();
        if (actual !== expected) wrong.push(`8 h after ${iso(threshold - MIN_GAP_MS)}, hour ${hour}: ${iso(actual)}, expected ${expected && iso(expected)}`);
      };
      // Thresholds at, just before and just after every slot near the change, and an hourly sweep for every hour.
      const near = slots.filter((slot) => slot.at >= change - 30 * HOUR && slot.at <= change + 8 * HOUR);
      for (const slot of near) for (const delta of [-45, -1, 0, 1]) check(slot.at + delta * MINUTE, hourOf(slot));
      for (let threshold = change - 26 * HOUR; threshold <= change + 8 * HOUR; threshold += 61 * MINUTE) {
        for (let hour = 0; hour < 24; hour++) check(threshold, hour);
      }
      for (const slot of near) {
        const first = slots.find((s) => s.wall === slot.wall)?.at ?? Number.NaN;
        const local = new Date(slot.wall * MINUTE);
        const [year, month, day, hour] = [local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate(), local.getUTCHours()];
        const actual = resolveLocalTime(zone, { year, month, day, hour }).getTime();
        if (actual !== first) wrong.push(`${local.toISOString().slice(0, 16)} local: ${iso(actual)}, expected ${iso(first)}`);
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    if (zone === 'America/New_York' || zone === 'Pacific/Chatham') expect(changes).toHaveLength(2);
  });
});

const iso = (at: number) => new Date(at).toISOString();

describe('zone names', () => {
  it('stores and shows a renamed zone under its current name, typed either way, and schedules it the same', () => {
    // ICU (Node 20 and 24 alike) resolves Europe/Kyiv to "Europe/Kiev": the reader must not see that.
    expect(canonicalZone('Europe/Kyiv')).toBe('Europe/Kyiv');
    expect(canonicalZone('europe/kiev')).toBe('Europe/Kyiv');
    expect(canonicalZone('Asia/Calcutta')).toBe('Asia/Kolkata');
    expect(canonicalZone('america/new_york')).toBe('America/New_York');
    expect(zoneName('Europe/Kiev')).toBe('Kyiv time'); // a record stored before
    for (const [old, current] of [['Europe/Kiev', 'Europe/Kyiv'], ['America/Godthab', 'America/Nuuk'], ['Asia/Katmandu', 'Asia/Kathmandu'], ['Pacific/Enderbury', 'Pacific/Kanton']]) {
      expect(canonicalZone(old as string)).toBe(current);
      expect(isValidTimeZone(current as string), current).toBe(true);
      expect(resolveLocalTime(current as string, { year: 2026, month: 12, day: 2, hour: 8 })).toEqual(resolveLocalTime(old as string, { year: 2026, month: 12, day: 2, hour: 8 }));
      expect(nextLessonDue(new Date('2026-12-01T06:00:00Z'), current as string, 8)).toEqual(nextLessonDue(new Date('2026-12-01T06:00:00Z'), old as string, 8));
    }
  });
});
