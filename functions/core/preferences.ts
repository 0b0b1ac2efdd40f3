import { MIN_GAP_MS, nextLessonDue } from './schedule.js';
import { lessonReached, scheduled, type Subscriber } from './subscriber.js';

/**
 * What a reader can change from the preferences page, as pure transitions.
 * Each one keeps the schedule rules: a lesson at the reader's hour, never
 * within 8 hours of the last one actually sent.
 */
export const PAUSE_DAYS = 7;

/** The first send hour at or after `from`, and at least 8 hours after the last send. */
function nextSlot(sub: Subscriber, from: Date, timezone = sub.timezone, sendHour = sub.sendHour): number {
  const lastSent = sub.sends.at(-1)?.at;
  const earliest = Math.max(lastSent ? Date.parse(lastSent) : 0, from.getTime() - MIN_GAP_MS);
  return nextLessonDue(new Date(earliest), timezone, sendHour).getTime();
}

export function canPause(sub: Subscriber): boolean {
  return sub.status === 'active' && !sub.claim;
}

/** Paused for 7 days: the record stays in the due index, due at the reader's hour when the pause ends. */
export function pause(sub: Subscriber, now: Date): Subscriber {
  const until = new Date(now.getTime() + PAUSE_DAYS * 24 * 3_600_000);
  const pauses = [...(sub.pauses ?? []), { at: now.toISOString(), day: lessonReached(sub), until: until.toISOString() }];
  return { ...sub, status: 'paused', pausedUntil: until.toISOString(), due: nextSlot(sub, until), pauses };
}

export function resume(sub: Subscriber, now: Date): Subscriber {
  const { pausedUntil: _until, ...rest } = sub;
  return { ...rest, status: 'active', due: nextSlot(sub, now) };
}

export function canRestart(sub: Subscriber): boolean {
  return (sub.status === 'active' || sub.status === 'paused' || sub.status === 'completed') && !sub.claim;
}

/**
 * Back to day 1 at the next send hour; what was sent before stays on record. `fromDay` is the
 * lesson that would have come next: one past the last (`totalDays`) for a finished course.
 */
export function restart(sub: Subscriber, now: Date, totalDays: number): Subscriber {
  const { pausedUntil: _until, completedAt: _done, ...rest } = sub;
  const fromDay = sub.status === 'completed' ? totalDays + 1 : (sub.nextDay ?? 1);
  // A finished course restarted keeps its completion on record (the counters count it).
  const restarts = [...(sub.restarts ?? []), { at: now.toISOString(), fromDay, ...(sub.completedAt ? { completedAt: sub.completedAt } : {}) }];
  return scheduled({ ...rest, status: 'active', restarts }, 1, nextSlot(sub, now));
}

/** A new hour or zone applies from the next lesson. */
export function changeSchedule(sub: Subscriber, timezone: string, sendHour: number, now: Date): Subscriber {
  // Saving the schedule as it is (or a POST with the token alone) moves nothing: a lesson due now stays due.
  if (timezone === sub.timezone && sendHour === sub.sendHour) return sub;
  const changed = { ...sub, timezone, sendHour };
  if (sub.due === undefined || sub.claim) return changed;
  const from = sub.status === 'paused' && sub.pausedUntil ? new Date(sub.pausedUntil) : now;
  // Day 1 not sent yet (just confirmed): it stays due at once.
  if (sub.sends.length === 0 && sub.status === 'active') return changed;
  return { ...changed, due: nextSlot(sub, from, timezone, sendHour) };
}
