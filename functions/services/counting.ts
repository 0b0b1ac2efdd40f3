import {
  change,
  contribution,
  direct,
  kept,
  lessonKey,
  dayKey,
  merge,
  recordChange,
  removal,
  voteContribution,
  type Tally,
} from '../core/counters.js';
import { courseOutline } from '../core/message.js';
import { lessonReached, type Subscriber } from '../core/subscriber.js';
import type { CounterStore, VoteStore } from '../ports.js';
import type { ServiceDeps } from './deps.js';

/**
 * Moves the course counters (core/counters.ts) after a state change has been
 * written: never before, so a refused write counts nothing. A counter write
 * that fails is logged and the request goes on (the reader's change stands);
 * `npm run stats -- --recount` repairs what was lost.
 */
export type CountingDeps = Pick<ServiceDeps, 'log'> & { counters?: CounterStore };

/** Where a service's increments go: the counters at once, or a drip run's tally (written once per run). */
export type Sink = (tally: Tally) => Promise<void>;

export function counterSink(deps: CountingDeps): Sink {
  return async (tally) => {
    if (!deps.counters || tally.size === 0) return;
    try {
      await deps.counters.add(tally);
    } catch (error) {
      deps.log?.('counters.lost', { level: 'ERROR', keys: [...tally.keys()], error: String(error), repair: 'npm run stats -- --recount' });
    }
  };
}

/** A run's tally: increments add up in memory until `flush`. */
export function runTally(): { sink: Sink; tally: Tally } {
  const tally: Tally = new Map();
  return { tally, sink: async (more) => void merge(tally, more) };
}

/** A record went from `before` to `after` (the conditional write succeeded). */
export function countWrite(sink: Sink, before: Subscriber | undefined, after: Subscriber | undefined): Promise<void> {
  return sink(recordChange(before, after));
}

/** A sign-up replaced an older record of the address: the old subscription's history is kept. */
export function countReplaced(sink: Sink, old: Subscriber, next: Subscriber, newSignup: boolean): Promise<void> {
  const tally = merge(recordChange(old, next), kept(contribution(old)));
  if (newSignup) merge(tally, direct(dayKey(next.createdAt), 'signups'));
  return sink(tally);
}

export function countSignup(sink: Sink, sub: Subscriber): Promise<void> {
  return sink(direct(dayKey(sub.createdAt), 'signups'));
}

/**
 * A record erased (the reader's or the author's delete) or reduced (retention):
 * its history is kept, its votes too (the votes themselves and their comments
 * go), and an erasure is counted, on the lesson the reader was on if they were
 * still in the course.
 */
export async function countRemoved(deps: { votes?: VoteStore; course: ServiceDeps['course'] }, sink: Sink, sub: Subscriber, erased: boolean, now: Date): Promise<void> {
  const tally = removal(sub);
  if (erased) {
    merge(tally, direct(dayKey(now), 'deletions'));
    if (sub.confirmedAt && (sub.status === 'active' || sub.status === 'paused')) merge(tally, direct(lessonKey(lessonReached(sub)), 'deleted'));
  }
  if (deps.votes && sub.linkId) {
    const days = Array.from({ length: lessonCount(deps.course) }, (_, i) => i + 1);
    for (const vote of await deps.votes.list(sub.linkId, days)) {
      // The vote goes and its count stays: taken from the live count, kept instead.
      merge(tally, merge(change(vote, undefined, voteContribution), kept(voteContribution(vote))));
      await deps.votes.remove(vote.linkId, vote.day);
      if (vote.comment) await deps.votes.dropComments(vote.day, vote.linkId);
    }
  }
  await sink(tally);
}

export function lessonCount(course: ServiceDeps['course']): number {
  return courseOutline(course).length;
}
