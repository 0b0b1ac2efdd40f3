import { describe, expect, it } from 'vitest';
import { MIN_GAP_MS, nextLessonDue, resolveLocalTime } from '../../functions/core/schedule.js';

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
