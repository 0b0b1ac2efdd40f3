import { nextLessonDue } from './schedule.js';

/**
 * The subscriber record and its state machine. Every function here is pure:
 * it takes the record and `now` and returns the next record, so the same
 * rules hold in the memory store, on DynamoDB and in the simulation.
 */
export type Status = 'pending' | 'active' | 'paused' | 'completed' | 'unsubscribed' | 'suppressed';

export type Consent = { at: string; ip: string; userAgent: string; formVersion: string };
export type SendRecord = { day: number; at: string; messageId: string };
export type Claim = { id: string; day: number; until: number };

export interface Subscriber {
  email: string; // normalized; the table key
  status: Status;
  firstName?: string;
  timezone: string;
  sendHour: number;
  optinId: string; // changes with every new double opt-in; confirm tokens carry it
  createdAt: string;
  consent: Consent;
  lastNoticeAt?: string; // last email sent because of the form (rate limit)
  confirmedAt?: string;
  nextDay?: number; // the next lesson to send, while one is to come
  due?: number; // epoch ms; with dueShard, present only while a lesson is to come (sparse index)
  dueShard?: number;
  claim?: Claim;
  attempts?: number; // failed tries of the current lesson
  sends: SendRecord[];
  restarts?: Array<{ at: string; fromDay: number }>; // "I broke no contact": history is kept
  pausedUntil?: string;
  completedAt?: string;
  unsubscribedAt?: string;
  suppressedAt?: string;
  suppressedReason?: string;
  expiresAt?: number; // epoch seconds; DynamoDB TTL for unconfirmed records
  version: number;
}

export const TOTAL_DAYS = 21;
export const DUE_SHARDS = 16;
export const PENDING_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const NOTICE_INTERVAL_MS = 10 * 60 * 1000;
export const MAX_ATTEMPTS = 3;

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

/** A new double opt-in: replaces nothing but an expired, unsubscribed or absent record. */
export function newPending(input: SignupInput, optinId: string, now: Date, version: number): Subscriber {
  return {
    email: input.email,
    status: 'pending',
    firstName: input.firstName,
    timezone: input.timezone,
    sendHour: input.sendHour,
    optinId,
    createdAt: now.toISOString(),
    consent: input.consent,
    lastNoticeAt: now.toISOString(),
    sends: [],
    expiresAt: Math.ceil((now.getTime() + PENDING_TTL_MS) / 1000),
    version,
  };
}

function withoutSchedule(sub: Subscriber): Subscriber {
  const { due: _due, dueShard: _shard, claim: _claim, nextDay: _next, attempts: _attempts, ...rest } = sub;
  return rest;
}

export function scheduled(sub: Subscriber, nextDay: number, due: number): Subscriber {
  return { ...sub, nextDay, due, dueShard: shardOf(sub.email), claim: undefined, attempts: undefined };
}

/** Confirming starts the course: day 1 is due at once. */
export function activate(sub: Subscriber, now: Date): Subscriber {
  const { expiresAt: _ttl, ...rest } = sub;
  return scheduled({ ...rest, status: 'active', confirmedAt: now.toISOString() }, 1, now.getTime());
}

export function unsubscribe(sub: Subscriber, now: Date): Subscriber {
  return { ...withoutSchedule(sub), status: 'unsubscribed', unsubscribedAt: now.toISOString() };
}

export function suppress(sub: Subscriber, now: Date, reason: string): Subscriber {
  return { ...withoutSchedule(sub), status: 'suppressed', suppressedAt: now.toISOString(), suppressedReason: reason };
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
 * actual send time. If the reader left meanwhile, only the record is kept.
 */
export function recordSend(sub: Subscriber, send: SendRecord): Subscriber {
  const recorded = { ...sub, sends: [...sub.sends, send] };
  if (sub.status !== 'active' || sub.claim?.day !== send.day) return { ...recorded, claim: undefined };
  if (send.day >= TOTAL_DAYS) return { ...withoutSchedule(recorded), status: 'completed', completedAt: send.at };
  const due = nextLessonDue(new Date(send.at), sub.timezone, sub.sendHour).getTime();
  return scheduled(recorded, send.day + 1, due);
}

/**
 * A send failed. Transient errors release the claim and retry after a short
 * back-off; an address SES keeps rejecting is suppressed after MAX_ATTEMPTS
 * so it never blocks the run again.
 */
export function recordFailure(sub: Subscriber, now: Date, kind: 'rejected' | 'transient' | 'throttled'): Subscriber {
  const released = { ...sub, claim: undefined };
  // The reader left (or another runner took over) while the send was failing.
  if (sub.status !== 'active' || !sub.claim || kind === 'throttled') return released;
  const attempts = (sub.attempts ?? 0) + 1;
  if (kind === 'rejected' && attempts >= MAX_ATTEMPTS) return suppress(sub, now, 'rejected by SES');
  return { ...released, attempts, due: now.getTime() + Math.min(attempts * 5, 60) * 60 * 1000 };
}
