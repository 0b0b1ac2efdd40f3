import { nextLessonDue } from './schedule.js';

/**
 * The subscriber record and its state machine. Every function here is pure:
 * it takes the record and `now` and returns the next record, so the same
 * rules hold in the memory store, on DynamoDB and in the simulation.
 */
export type Status = 'pending' | 'active' | 'paused' | 'completed' | 'unsubscribed' | 'suppressed';
/** How a reader left the course (a bounce includes SES refusing the address). */
export type ExitKind = 'unsubscribe' | 'bounce' | 'complaint';

export type Consent = { at: string; ip: string; userAgent: string; formVersion: string };
export type SendRecord = { day: number; at: string; messageId: string };
export type Claim = { id: string; day: number; until: number };
export type SoftBounce = { messageId: string; at: string };
export type DataLink = { nonce: string; action: 'export' | 'delete'; until: number };
export type NoticeTemplate = 'confirmation' | 'alreadyEnrolled' | 'complete' | 'dataExport' | 'dataDelete';
export type NoticeState = { id: string; template: NoticeTemplate; sentAt?: string; messageId?: string };

export interface Subscriber {
  email: string; // normalized; the table key
  status: Status;
  firstName?: string;
  timezone: string;
  sendHour: number;
  optinId: string; // changes with every new double opt-in; confirm links carry it
  /** Stable id that links carry instead of the address; the table maps it back to this record. */
  linkId?: string;
  /** Changes on a new sign-up and on "sign out older links": preferences links carry it, so old ones die. */
  linkSecret?: string;
  /** The one emailed download or delete link that is open: single use, short-lived. */
  dataLink?: DataLink;
  /** The last notice the outbox sent for the form (exactly once per job: see services/notices.ts). */
  notice?: NoticeState;
  createdAt: string;
  consent: Consent;
  lastNoticeAt?: string; // last email sent because of the form (rate limit)
  confirmedAt?: string;
  nextDay?: number; // the next lesson to send, while one is to come
  due?: number; // epoch ms; with dueShard, present only while a lesson is to come (sparse index)
  dueShard?: number;
  claim?: Claim;
  attempts?: number; // times SES rejected the address for the current lesson (MAX_ATTEMPTS suppresses)
  retries?: number; // transient failures of the current lesson: they lengthen the back-off, never suppress
  sends: SendRecord[];
  /** "I broke no contact": history is kept. `completedAt` when the run restarted was a finished course. */
  restarts?: Array<{ at: string; fromDay: number; completedAt?: string }>;
  /** Every pause, with the last lesson the reader had then (the author's console counts them per lesson). */
  pauses?: Array<{ at: string; day: number; until: string }>;
  pausedUntil?: string;
  /** How a confirmed reader left the course, and on which lesson (core/counters.ts); the first way wins. */
  left?: { by: ExitKind; day: number; at: string };
  completedAt?: string;
  unsubscribedAt?: string;
  suppressedAt?: string;
  suppressedReason?: string;
  softBounces?: SoftBounce[]; // transient bounces SES reported, one per bounced message
  expiresAt?: number; // epoch seconds; DynamoDB TTL for unconfirmed records
  version: number;
}

export const DUE_SHARDS = 16;
export const PENDING_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const NOTICE_INTERVAL_MS = 10 * 60 * 1000;
export const MAX_ATTEMPTS = 3;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Transient bounces (mailbox full, ...) on this many different messages suppress the address. */
export const SOFT_BOUNCE_LIMIT = 3;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A stable shard per address spreads the due index over partitions (FNV-1a). */
export function shardOf(email: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < email.length; i++) hash = Math.imul(hash ^ email.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % DUE_SHARDS;
}

export function isExpiredPending(sub: Subscriber, now: Date): boolean {
  return sub.status === 'pending' && (sub.expiresAt ?? 0) * 1000 <= now.getTime();
}

export function canNotify(sub: Subscriber, now: Date): boolean {
  return !sub.lastNoticeAt || now.getTime() - Date.parse(sub.lastNoticeAt) >= NOTICE_INTERVAL_MS;
}

type SignupInput = { email: string; firstName?: string; timezone: string; sendHour: number; consent: Consent };
/** What links carry: the record's stable id and its current secret (services/links.ts). */
export type LinkIds = { linkId: string; linkSecret: string };

/** A new double opt-in: replaces nothing but an expired, unsubscribed or absent record. */
export function newPending(input: SignupInput, optinId: string, now: Date, version: number, link?: LinkIds): Subscriber {
  return {
    email: input.email,
    status: 'pending',
    firstName: input.firstName,
    timezone: input.timezone,
    sendHour: input.sendHour,
    optinId,
    ...link,
    createdAt: now.toISOString(),
    consent: input.consent,
    lastNoticeAt: now.toISOString(),
    sends: [],
    expiresAt: Math.ceil((now.getTime() + PENDING_TTL_MS) / 1000),
    version,
  };
}

/** A re-sent confirmation promises 7 days: the sign-up's expiry moves with it. */
export function extendPending(sub: Subscriber, now: Date): Subscriber {
  return { ...sub, expiresAt: Math.ceil((now.getTime() + PENDING_TTL_MS) / 1000) };
}

function withoutSchedule(sub: Subscriber): Subscriber {
  const { due: _due, dueShard: _shard, claim: _claim, nextDay: _next, attempts: _attempts, retries: _retries, ...rest } = sub;
  return rest;
}

export function scheduled(sub: Subscriber, nextDay: number, due: number): Subscriber {
  return { ...sub, nextDay, due, dueShard: shardOf(sub.email), claim: undefined, attempts: undefined, retries: undefined };
}

/** Confirming starts the course: day 1 is due at once. */
export function activate(sub: Subscriber, now: Date): Subscriber {
  const { expiresAt: _ttl, ...rest } = sub;
  return scheduled({ ...rest, status: 'active', confirmedAt: now.toISOString() }, 1, now.getTime());
}

/**
 * A reader who left stays in the due index with no lesson to come: `due` is
 * then when the record is reduced to what suppression needs (services/
 * retention.ts), which the drip does as it walks the index. No Scan, no TTL.
 */
export const REDUCE_AFTER_MS = 30 * 24 * 60 * 60 * 1000;

function reduceLater(sub: Subscriber, now: Date): Subscriber {
  return { ...withoutSchedule(sub), due: now.getTime() + REDUCE_AFTER_MS, dueShard: shardOf(sub.email) };
}

/** The last lesson the reader has had in this run of the course, at least 1 (a reader who left before day 1 left "at" it). */
export function lessonReached(sub: Subscriber): number {
  if (sub.nextDay !== undefined) return Math.max(1, sub.nextDay - 1);
  return Math.max(1, sub.sends.at(-1)?.day ?? 1);
}

/**
 * Where a reader left, for the funnel: only a reader in the course (confirmed,
 * not finished) leaves it, once; `day` is the lesson a bounce or complaint was
 * about, when it was about one.
 */
function exit(sub: Subscriber, now: Date, by: ExitKind, day?: number): Subscriber['left'] {
  if (sub.left || !sub.confirmedAt || (sub.status !== 'active' && sub.status !== 'paused')) return sub.left;
  return { by, day: day ?? lessonReached(sub), at: now.toISOString() };
}

export function unsubscribe(sub: Subscriber, now: Date): Subscriber {
  return { ...reduceLater(sub, now), status: 'unsubscribed', unsubscribedAt: now.toISOString(), left: exit(sub, now, 'unsubscribe') };
}

/** SES refused the address, or it bounced or complained (`day`: the lesson the feedback was about). */
export function suppress(sub: Subscriber, now: Date, reason: string, by: Exclude<ExitKind, 'unsubscribe'> = 'bounce', day?: number): Subscriber {
  return { ...reduceLater(sub, now), status: 'suppressed', suppressedAt: now.toISOString(), suppressedReason: reason, left: exit(sub, now, by, day) };
}

/** The record of a reader who left, due for reduction (the drip reduces it instead of sending). */
export function isReducible(sub: Subscriber, now: Date): boolean {
  return (sub.status === 'unsubscribed' || sub.status === 'suppressed') && sub.due !== undefined && sub.due <= now.getTime();
}

/** A claim may be taken when the lesson is due and no live claim holds it. */
export function isClaimable(sub: Subscriber, now: Date): boolean {
  // A pause ends by itself: the paused record stays in the due index, due when the pause is over.
  if (sub.status !== 'active' && sub.status !== 'paused') return false;
  if (sub.nextDay === undefined || sub.due === undefined) return false;
  if (sub.due > now.getTime()) return false;
  return !sub.claim || sub.claim.until <= now.getTime();
}

export function claimLesson(sub: Subscriber, claimId: string, now: Date, leaseMs: number): Subscriber {
  const { pausedUntil: _over, ...rest } = sub;
  return { ...rest, status: 'active', claim: { id: claimId, day: sub.nextDay ?? 1, until: now.getTime() + leaseMs } };
}

/**
 * SES accepted the lesson: record it, and schedule the next one from the
 * actual send time. Only the runner whose claim still stands advances the
 * reader; if the reader left meanwhile (their claim was dropped) or a crashed
 * runner's lease ran out and another took the lesson over, only the record of
 * what went out is kept, so a late answer never moves anyone's schedule.
 * Idempotent by MessageId: a write retried after its reply was lost finds the
 * send already there and changes nothing (returns `sub` itself).
 */
export function recordSend(sub: Subscriber, send: SendRecord, totalDays: number, claimId = sub.claim?.id): Subscriber {
  return advance(sub, send, totalDays, claimId, () => nextLessonDue(new Date(send.at), sub.timezone, sub.sendHour).getTime());
}

/**
 * recordSend for when its advance cannot be computed or written (SES has the
 * lesson, but the reader's zone no longer resolves, or the store keeps
 * refusing the write): the same record, due a day after the send with no zone
 * arithmetic, so the lesson is never sent again and the course goes on.
 */
export function recordSendFallback(sub: Subscriber, send: SendRecord, totalDays: number, claimId = sub.claim?.id): Subscriber {
  return advance(sub, send, totalDays, claimId, () => Date.parse(send.at) + DAY_MS);
}

/** The course is over once its last lesson (`totalDays`, the compiled course's length) went out. */
function advance(sub: Subscriber, send: SendRecord, totalDays: number, claimId: string | undefined, nextDue: () => number): Subscriber {
  if (sub.sends.some((known) => known.messageId === send.messageId)) return sub;
  const recorded = { ...sub, sends: [...sub.sends, send] };
  const ours = sub.claim !== undefined && sub.claim.id === claimId && sub.claim.day === send.day;
  if (!ours) return recorded;
  if (sub.status !== 'active') return { ...recorded, claim: undefined };
  if (send.day >= totalDays) return { ...withoutSchedule(recorded), status: 'completed', completedAt: send.at };
  return scheduled(recorded, send.day + 1, nextDue());
}

/**
 * A deploy shortened the course below the lesson this reader is due next: the course is
 * over for them, nothing is sent (lessons they already had are never sent again).
 * Returns `sub` itself when their next lesson still exists.
 */
export function finishShortenedCourse(sub: Subscriber, totalDays: number, now: Date): Subscriber {
  if ((sub.status !== 'active' && sub.status !== 'paused') || sub.nextDay === undefined || sub.nextDay <= totalDays) return sub;
  if (sub.claim && sub.claim.until > now.getTime()) return sub; // another runner holds it: theirs to settle
  const { pausedUntil: _over, ...rest } = withoutSchedule(sub);
  return { ...rest, status: 'completed', completedAt: now.toISOString() };
}

/**
 * A send failed. The claim is released and the lesson retried after a
 * back-off that grows with every failed try (5 minutes more each, at most an
 * hour). Only SES rejecting the address counts against it: MAX_ATTEMPTS
 * rejections suppress it, so a dead address never blocks the run again.
 * Transient failures (timeouts, 5xx) are ours or SES's, never the reader's:
 * they back off without end and suppress nobody. Throttling is SES's pace:
 * the lesson stays due as it was, for the next run.
 * Returns `sub` itself when there is nothing to change (the claim is not ours).
 */
export function recordFailure(
  sub: Subscriber,
  now: Date,
  kind: 'rejected' | 'transient' | 'throttled',
  claimId = sub.claim?.id,
): Subscriber {
  if (!sub.claim || sub.claim.id !== claimId) return sub;
  const released = { ...sub, claim: undefined };
  if (sub.status !== 'active' || kind === 'throttled') return released;
  const attempts = (sub.attempts ?? 0) + (kind === 'rejected' ? 1 : 0);
  const retries = (sub.retries ?? 0) + (kind === 'transient' ? 1 : 0);
  if (attempts >= MAX_ATTEMPTS) return suppress(sub, now, 'rejected by SES');
  const backoffMinutes = Math.min((attempts + retries) * 5, 60);
  return { ...released, attempts: attempts || undefined, retries: retries || undefined, due: now.getTime() + backoffMinutes * 60_000 };
}

/**
 * SES reported a permanent bounce or a complaint: never mail again. Idempotent.
 * The TTL goes too: an unconfirmed address that bounced or complained is
 * remembered, so signing it up again cannot mail it (signup sends nothing to
 * `suppressed`).
 */
export function suppressForFeedback(sub: Subscriber, now: Date, reason: string, by: 'bounce' | 'complaint' = 'bounce', day?: number): Subscriber {
  if (sub.status === 'suppressed') return sub;
  const { expiresAt: _ttl, ...rest } = suppress(sub, now, reason, by, day);
  return rest;
}

/**
 * SES reported a transient bounce. Counted once per bounced message (SNS may
 * deliver the same notification twice); the SOFT_BOUNCE_LIMIT-th suppresses.
 * Returns the same object when nothing changes, so callers can skip the write.
 */
export function recordTransientBounce(sub: Subscriber, bounce: SoftBounce, now: Date, day?: number): Subscriber {
  if (sub.status === 'suppressed') return sub;
  if (sub.softBounces?.some((known) => known.messageId === bounce.messageId)) return sub;
  const softBounces = [...(sub.softBounces ?? []), bounce];
  if (softBounces.length < SOFT_BOUNCE_LIMIT) return { ...sub, softBounces };
  return suppressForFeedback({ ...sub, softBounces }, now, `${softBounces.length} transient bounces`, 'bounce', day);
}
