import { DateTime } from 'luxon';
import { lessonReached, type ExitKind, type Status, type Subscriber } from './subscriber.js';

/**
 * The course counters (issue 13), pure. A record's *contribution* is what it
 * adds to the counters as it stands; a successful write from `before` to
 * `after` moves them by contribution(after) - contribution(before), so the
 * counters always equal what a recount of the records would give, plus what
 * the records can no longer show ("kept", `k_` fields: readers reduced or
 * erased, replaced sign-ups, and the sign-ups and deletions no record holds).
 *
 * Keys (the adapter stores them as `#stats#<key>`):
 * - `day:<UTC date>`: signups, confirmations, completions, left, deletions; `total`: the same, all time
 * - `lesson:<N>`: sent (SES accepted), reached (readers who got it, once each), unsubscribed/bounced/complained/deleted
 *   (left while on lesson N), paused, restarted (from lesson N), completed, yes/no
 * - `cohort:<ISO week of confirmedAt>`: confirmed, and r<N>: readers who reached lesson N
 * - `now`: how many readers are in each status at this moment (a gauge, never kept)
 * "On lesson N" means N was the last lesson the reader had received (at least 1).
 */
export type Fields = Record<string, number>;
export type Tally = Map<string, Fields>;
export type { ExitKind } from './subscriber.js';
export type Vote = { linkId: string; day: number; choice: 'yes' | 'no'; comment?: string; at: string };

export const NOW_KEY = 'now';
export const TOTAL_KEY = 'total';
export const KEPT = 'k_';
const GAUGED: ReadonlySet<Status> = new Set(['active', 'paused', 'completed', 'unsubscribed', 'suppressed']);
const EXIT_FIELD: Record<ExitKind, string> = { unsubscribe: 'unsubscribed', bounce: 'bounced', complaint: 'complained' };

/** Keys that hold counts (the recount rebuilds them); others in the store are markers (services/digest.ts). */
export const isCountKey = (key: string) => key === NOW_KEY || key === TOTAL_KEY || /^(day|lesson|cohort):/.test(key);

export const dayKey = (at: string | Date) => `day:${(typeof at === 'string' ? at : at.toISOString()).slice(0, 10)}`;
export const lessonKey = (day: number) => `lesson:${day}`;
export const cohortKey = (at: string | Date) => `cohort:${isoWeek(at)}`;

/** `2026-W49`: the ISO week (Monday to Sunday, UTC) an instant falls in. */
export function isoWeek(at: string | Date): string {
  const date = DateTime.fromJSDate(typeof at === 'string' ? new Date(at) : at, { zone: 'utc' });
  return `${date.weekYear}-W${String(date.weekNumber).padStart(2, '0')}`;
}

export function bump(tally: Tally, key: string, field: string, n = 1): void {
  if (n === 0) return;
  const fields = tally.get(key) ?? {};
  const value = (fields[field] ?? 0) + n;
  if (value === 0) delete fields[field];
  else fields[field] = value;
  if (Object.keys(fields).length === 0) tally.delete(key);
  else tally.set(key, fields);
}

/** A per-day count, and the same all time (the overview reads one item, not every day). */
function daily(tally: Tally, at: string | Date, field: string, n = 1): void {
  bump(tally, dayKey(at), field, n);
  bump(tally, TOTAL_KEY, field, n);
}

/** Adds `from` into `into` (sign -1: takes it away). */
export function merge(into: Tally, from: Tally, sign: 1 | -1 = 1): Tally {
  for (const [key, fields] of from) for (const [field, n] of Object.entries(fields)) bump(into, key, field, sign * n);
  return into;
}


/** What one record adds to the counters: only its current subscription (since it was confirmed). */
export function contribution(sub: Subscriber | undefined): Tally {
  const tally: Tally = new Map();
  if (!sub) return tally;
  if (GAUGED.has(sub.status)) bump(tally, NOW_KEY, sub.status);
  const since = sub.confirmedAt;
  if (!since) return tally;
  daily(tally, since, 'confirmations');
  const cohort = cohortKey(since);
  bump(tally, cohort, 'confirmed');
  const reached = new Set<number>();
  let lastDay = 1;
  for (const send of sub.sends) {
    if (send.at < since) continue;
    bump(tally, lessonKey(send.day), 'sent');
    reached.add(send.day);
    lastDay = send.day;
  }
  for (const day of reached) {
    bump(tally, cohort, `r${day}`);
    bump(tally, lessonKey(day), 'reached');
  }
  const completions = (sub.restarts ?? []).flatMap((r) => (r.at >= since && r.completedAt ? [{ at: r.completedAt, day: r.fromDay - 1 }] : []));
  if (sub.completedAt && sub.completedAt >= since) completions.push({ at: sub.completedAt, day: lastDay });
  for (const { at, day } of completions) {
    daily(tally, at, 'completions');
    bump(tally, lessonKey(day), 'completed');
  }
  for (const r of sub.restarts ?? []) if (r.at >= since) bump(tally, lessonKey(Math.max(1, r.fromDay - 1)), 'restarted');
  for (const p of sub.pauses ?? []) if (p.at >= since) bump(tally, lessonKey(p.day), 'paused');
  if (sub.left && sub.left.at >= since) {
    bump(tally, lessonKey(sub.left.day), EXIT_FIELD[sub.left.by]);
    daily(tally, sub.left.at, 'left');
  }
  return tally;
}

export function voteContribution(vote: Vote | undefined): Tally {
  const tally: Tally = new Map();
  if (vote) bump(tally, lessonKey(vote.day), vote.choice);
  return tally;
}

/** How a successful write from `before` to `after` moves the counters (either may be absent). */
export function change<T>(before: T | undefined, after: T | undefined, of: (item: T | undefined) => Tally): Tally {
  return merge(of(after), of(before), -1);
}

export const recordChange = (before: Subscriber | undefined, after: Subscriber | undefined) => change(before, after, contribution);

/**
 * What an item leaves behind when it is erased, reduced or replaced: its
 * flows, kept (`k_` fields, which a recount adds back) and still counted. Its
 * gauge goes with it (it is nobody's status any more).
 */
export function kept(contributed: Tally): Tally {
  const tally: Tally = new Map();
  for (const [key, fields] of contributed) {
    if (key === NOW_KEY) continue;
    for (const [field, n] of Object.entries(fields)) {
      bump(tally, key, field, n);
      bump(tally, key, `${KEPT}${field}`, n);
    }
  }
  return tally;
}

/** A record erased (or reduced): the counters keep its history, and lose its status. */
export function removal(before: Subscriber): Tally {
  return merge(recordChange(before, undefined), kept(contribution(before)));
}

/** Counters no record can show afterwards (a sign-up an expiry may sweep, an erasure): counted and kept at once. */
export function direct(key: string, field: string): Tally {
  const tally: Tally = new Map();
  const keys = key.startsWith('day:') ? [key, TOTAL_KEY] : [key];
  for (const one of keys) {
    bump(tally, one, field);
    bump(tally, one, `${KEPT}${field}`);
  }
  return tally;
}

/**
 * The counters rebuilt: every record's and vote's contribution, plus what was
 * kept. Kept fields stay as they are.
 */
export function rebuild(contributions: Iterable<Tally>, stored: Tally): Tally {
  const out: Tally = new Map();
  for (const one of contributions) merge(out, one);
  for (const [key, fields] of stored) {
    for (const [field, n] of Object.entries(fields)) {
      if (!field.startsWith(KEPT)) continue;
      bump(out, key, field, n);
      bump(out, key, field.slice(KEPT.length), n);
    }
  }
  return out;
}
