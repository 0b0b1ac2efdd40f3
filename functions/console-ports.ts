import type { Tally, Vote } from './core/counters.js';
import type { Subscriber } from './core/subscriber.js';

/** The ports of the author's console (issue 13); functions/ports.ts re-exports them. */
/**
 * The course counters (core/counters.ts): items keyed without an @, moved by
 * atomic ADDs, read by key only. Reading them costs the keys asked for, never
 * the list.
 */
export interface CounterStore {
  /** One atomic ADD per key of every field given (negative numbers take away). */
  add(tally: Tally): Promise<void>;
  /** The items for these keys; a key with no item is absent from the map. */
  read(keys: string[]): Promise<Tally>;
  /** Overwrites these items whole (the author's recount, services/recount.ts). */
  replace(items: Tally): Promise<void>;
}

/** A comment left with a vote, as the author's console lists it (`voter`: the reader's link id, for erasure). */
export type CommentEntry = { day: number; choice: Vote['choice']; comment: string; at: string; voter: string };

/** "Was today's step helpful?": one vote per reader per lesson, and the latest comments per lesson. */
export interface VoteStore {
  get(linkId: string, day: number): Promise<Vote | undefined>;
  /** Writes the vote only if the stored one is still `expected` (undefined: only if there is none). */
  put(vote: Vote, expected: Vote | undefined): Promise<boolean>;
  /** One reader's votes on these lessons (a batch read), for erasure. */
  list(linkId: string, days: number[]): Promise<Vote[]>;
  remove(linkId: string, day: number): Promise<void>;
  /** Keeps the latest few comments per lesson (older ones fall off). */
  pushComment(entry: CommentEntry): Promise<void>;
  /** The kept comments of these lessons, newest first. */
  comments(days: number[]): Promise<CommentEntry[]>;
  /** Drops one reader's comments on a lesson (erasure, or a replaced vote). */
  dropComments(day: number, voter: string): Promise<void>;
}

/** What the recount reads: every record, vote and counter item. */
export type ScannedItem =
  | { kind: 'record'; record: Subscriber }
  | { kind: 'vote'; vote: Vote }
  | { kind: 'counters'; key: string; fields: Record<string, number> };

/**
 * The one Scan in the project, paged: the author's recount only
 * (services/recount.ts, `npm run stats -- --recount`). No Lambda holds it.
 */
export interface TableScan {
  pages(): AsyncIterable<ScannedItem[]>;
}

/** The author's console sessions (services/author.ts): open until they expire or the author signs out. */
export interface SessionStore {
  open(id: string, until: number): Promise<void>;
  isOpen(id: string, now: number): Promise<boolean>;
  close(id: string): Promise<void>;
}
