import type { CompiledCourse } from '../../functions/core/message.js';
import type { Subscriber } from '../../functions/core/subscriber.js';
import type { Clock, SubscriberStore } from '../../functions/ports.js';
import type { Mailbox } from './faults.js';

/**
 * What the simulation observed: every mail SES accepted (as the reader sees
 * it), every injected fault, and the sends SES accepted without the runner
 * ever learning it (the only duplicates allowed).
 */
export type Delivery = { to: string; day: number; epoch: number; at: number; lateMs?: number };

export type Ledger = ReturnType<typeof createLedger>;

export function createLedger() {
  const faults: Record<string, number> = {};
  const unknown = new Map<string, number>();
  return {
    deliveries: [] as Delivery[],
    faults,
    unknown,
    fault(kind: string) {
      faults[kind] = (faults[kind] ?? 0) + 1;
    },
    acceptedUnknown(to: string) {
      unknown.set(to, (unknown.get(to) ?? 0) + 1);
    },
  };
}

/** When a reader's lesson was scheduled: the due before any retry back-off moved it. */
type Scheduled = { epoch: number; day: number; due: number };

/**
 * Watches the committed writes to the store (below the fault injection) to
 * know, for the lateness figures, when each lesson was meant to go out. A
 * write that releases a failed claim keeps the lesson's schedule; any other
 * write that sets a due time (confirming, an advance, a reader's change) sets it.
 */
export function observeSchedule(store: SubscriberStore) {
  const latest = new Map<string, Subscriber>();
  const scheduled = new Map<string, Scheduled>();
  const epochOf = (sub: Subscriber | undefined) => sub?.restarts?.length ?? 0;
  const watched: SubscriberStore = {
    ...store,
    async put(sub, expectedVersion) {
      const stored = await store.put(sub, expectedVersion);
      if (!stored) return stored;
      const before = latest.get(stored.email);
      latest.set(stored.email, stored);
      if (stored.nextDay === undefined || stored.due === undefined || stored.claim) return stored;
      const released = before?.claim && before.nextDay === stored.nextDay && epochOf(before) === epochOf(stored);
      if (!released) scheduled.set(stored.email, { epoch: epochOf(stored), day: stored.nextDay, due: stored.due });
      return stored;
    },
  };
  return {
    store: watched,
    /**
     * Which lesson a mail to this address can be, and when it was due: the one
     * its claim holds. A reader who left while their lesson was in flight has no
     * claim any more; that mail is still theirs (and checked as such).
     */
    lessonInFlight(email: string, day: number): Scheduled | undefined {
      const sub = latest.get(email);
      const left = sub?.status === 'unsubscribed' || sub?.status === 'suppressed';
      if (!sub || (sub.claim ? sub.claim.day !== day : !left)) return undefined;
      const epoch = epochOf(sub);
      const due = scheduled.get(email);
      return { epoch, day, due: due && due.epoch === epoch && due.day === day ? due.due : Number.NaN };
    },
  };
}

/** SES's side: accepts a message into the readers' mailboxes and notes which lesson it was. */
export function createMailbox(course: CompiledCourse, clock: Clock, ledger: Ledger, schedule: ReturnType<typeof observeSchedule>): Mailbox {
  const days = new Set(course.lessons.map((lesson) => lesson.day));
  let accepted = 0;
  const delivered = new Set<string>();
  return {
    accept(to, raw) {
      // The lesson's first line, "Day N of M" (plain ASCII in the text part), whatever the Subject's encoding.
      const day = Number(/^Day (\d+) of \d+\r$/m.exec(raw)?.[1]);
      if (!days.has(day)) throw new Error(`mail to ${to} is not a lesson`);
      const lesson = day ? schedule.lessonInFlight(to, day) : undefined;
      if (!day || !lesson) throw new Error(`mail to ${to} is not the lesson its claim holds`);
      const at = clock.now().getTime();
      const key = `${to} ${lesson.epoch} ${day}`;
      const first = !delivered.has(key);
      delivered.add(key);
      ledger.deliveries.push({ to, day, epoch: lesson.epoch, at, ...(first ? { lateMs: at - lesson.due } : {}) });
      return { messageId: `sim-${++accepted}` };
    },
  };
}
