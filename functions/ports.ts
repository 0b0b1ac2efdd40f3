import type { Breaker, Counts } from './core/breaker.js';
import type { Consent, Subscriber } from './core/subscriber.js';

/** Tiny interfaces the services depend on; adapters live in ./adapters. */
export interface SubscriberStore {
  get(email: string): Promise<Subscriber | undefined>;
  /**
   * Writes the record if the stored version still equals `expectedVersion`
   * (null: only if no record exists). Returns the record as stored, with its
   * version bumped, or undefined when another writer got there first.
   */
  put(subscriber: Subscriber, expectedVersion: number | null): Promise<Subscriber | undefined>;
  /** One page of the sparse due index for one shard: due <= now, oldest first. */
  queryDue(shard: number, now: number, limit: number, cursor?: string): Promise<DuePage>;
  /**
   * Erases the record for good (the reader's right to be forgotten). With
   * `expectedVersion`, only if the record is still that version (false if not).
   */
  delete(email: string, expectedVersion?: number): Promise<boolean>;
  /**
   * Links carry a record's `linkId`, never its address: this maps one to the
   * other. Idempotent. `expiresAt` (epoch seconds) for an unconfirmed sign-up,
   * so the mapping expires with it; linking again without it keeps it for good.
   */
  link(linkId: string, email: string, expiresAt?: number): Promise<void>;
  resolveLink(linkId: string): Promise<string | undefined>;
  unlink(linkId: string): Promise<void>;
  /** What is kept of an address once its record is reduced: a keyed hash, the date, the reason. */
  suppression(hash: string): Promise<SuppressionEntry | undefined>;
  saveSuppression(entry: SuppressionEntry): Promise<void>;
  deleteSuppression(hash: string): Promise<void>;
}

export type SuppressionEntry = { hash: string; status: 'unsubscribed' | 'suppressed'; at: string; reason: string };

/**
 * Fixed-window counters that hold across Lambda instances (kept in DynamoDB).
 * `hit` counts one event under `key` and says whether it stayed within `limit`.
 */
export interface RateLimiter {
  /**
   * With `member`, a member counts once however often it hits (a retried
   * outbox job), and is allowed again while it stays counted.
   */
  hit(key: string, limit: number, windowMs: number, now: Date, member?: string): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
  /** Gives a member's place in the current window back (its email was never sent). */
  release(key: string, windowMs: number, now: Date, member: string): Promise<void>;
  /** True the first time a key is used, false after; forgotten after `until` (single-use form tokens). */
  once(key: string, until: Date): Promise<boolean>;
  /** The counts held under `key` in the current and previous window (export), and their erasure. */
  held(key: string, windowMs: number, now: Date): Promise<Array<{ window: string; hits: number }>>;
  erase(key: string, windowMs: number, now: Date): Promise<void>;
}

/**
 * Notices leave through an outbox (DESIGN.md): the form only enqueues, a worker
 * decides and sends. On AWS an SQS queue; locally a durable table-backed outbox.
 */
export type NoticeJob = { id: string; at: string } & (
  | { kind: 'signup'; email: string; firstName?: string; timezone: string; sendHour: number; consent: Consent }
  | { kind: 'resend'; email: string }
  | { kind: 'data-link'; email: string; action: 'export' | 'delete' }
  /** The author's console sign-in link, sent only when `email` is AUTHOR_EMAIL (services/author.ts). */
  | { kind: 'signin'; email: string }
);

export interface NoticeQueue {
  enqueue(job: NoticeJob): Promise<void>;
}

/** The queue the local stack and tests drain themselves: due jobs, then done or retried later. */
export interface Outbox extends NoticeQueue {
  due(now: number, limit: number): Promise<Array<{ job: NoticeJob; attempts: number }>>;
  done(id: string): Promise<void>;
  retryAt(id: string, due: number, attempts: number): Promise<void>;
}

export type DuePage = { items: Subscriber[]; cursor?: string };

/**
 * Why a send failed, which decides what the drip does next.
 * - throttled: SES's pace; the run backs off, the reader is not at fault.
 * - rejected: SES refused this address; counted, and a few such suppress it.
 * - transient: a timeout or a 5xx; retried later, never held against the address.
 * - unsendable: SES refused the message itself or our sending setup (a bad
 *   header, an unverified sender, a paused account): no reader is at fault,
 *   so nobody is suppressed; the run stops loudly until someone fixes it.
 */
export type MailerErrorKind = 'throttled' | 'rejected' | 'transient' | 'unsendable';

export class MailerError extends Error {
  override name = 'MailerError';
  constructor(
    readonly kind: MailerErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface Mailer {
  /** Sends a raw MIME message; resolves with the provider's message id or throws MailerError. */
  send(message: { from: string; to: string; raw: string }): Promise<{ messageId: string }>;
  /**
   * The provider's sending limits (SES GetSendQuota), read once per drip run.
   * Optional so a mailer that only sends (a test double) stays a one-liner.
   */
  quota?(): Promise<SendQuota>;
}

/** SES's limits: sends per second, per rolling 24 hours, and how many of those are used. */
export type SendQuota = { maxSendRate: number; max24HourSend: number; sentLast24Hours: number };

/**
 * Monotonic time and sleeping, for pacing sends. Real in the Lambda entry
 * points, virtual in tests (sleep advances a counter, nothing waits).
 */
export interface Timer {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
}

/** One fan-out worker's share of a drip run (see services/fan-out.ts). */
export type DripJob = {
  shards: number[];
  /** This worker's share of SES's MaxSendRate; the shares of one run add up to it. */
  ratePerSecond: number;
  /** This worker's share of what is left of the 24-hour quota; absent when SES sets no daily limit. */
  maxSends?: number;
  /** Wall-clock epoch ms by which the worker stops claiming, so runs never overlap. */
  deadline: number;
};

/** Starts a fan-out worker without waiting for it (an async Lambda invocation in production). */
export interface Invoker {
  invoke(job: DripJob): Promise<void>;
}

export interface Clock {
  now(): Date;
  /** How many times faster than real time this clock runs (the local stack's CLOCK_SPEED); 1 when absent. */
  readonly speed?: number;
}

/** Daily send, bounce and complaint counts, and the breaker's state (one item each, in the table). */
export interface HealthStore {
  add(day: string, counts: Partial<Counts>): Promise<void>;
  read(days: string[]): Promise<Counts[]>;
  breaker(): Promise<Breaker>;
  /** Conditional on the breaker's version; false when another writer got there first. */
  saveBreaker(breaker: Breaker, expectedVersion: number): Promise<boolean>;
}

// The author's console (issue 13): counters, votes, the recount's scan, sessions.
export type { CommentEntry, CounterStore, ScannedItem, SessionStore, TableScan, VoteStore } from './console-ports.js';
