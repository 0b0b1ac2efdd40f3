import { merge, recordChange, type Tally } from '../../functions/core/counters.js';
import { MailerError, type CounterStore, type Mailer, type SubscriberStore } from '../../functions/ports.js';
import type { Ledger } from './ledger.js';

/**
 * Fault injection for the drip simulation. Each runner gets its own wrappers
 * around the shared store and mailbox, so a runner can "die": once it crashes,
 * every later call it makes throws, as if its Lambda had been killed mid-pass.
 * Every call first yields a macrotask turn, so the concurrent passes (and the
 * readers' own actions) interleave between any two steps.
 */
export class SimCrash extends Error {
  override name = 'SimCrash';
}

export type FaultRates = {
  /** Per SES call; these four add up to the share of SES calls that fail. */
  throttle: number;
  serverError: number;
  timeoutBefore: number;
  /** SES accepted (the reader has the mail) but the answer was lost. */
  timeoutAfter: number;
  /** Per conditional write: refused as if another writer got there first. */
  conflict: number;
  /** Per claim written: the runner dies before sending. */
  crashAfterClaim: number;
  /** Per accepted send: the runner dies before recording it. */
  crashAfterSend: number;
};

export const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export type Runner = {
  store: SubscriberStore;
  mailer: Mailer;
  /** The shared counters as this runner reaches them: a dead runner's pass never writes its tally. */
  counters: CounterStore;
  /** What this runner's crashed passes had counted and never wrote (the simulation's allowance). */
  lost: Tally;
  /** A fresh process for the next pass. */
  begin(): void;
  /** Counts sends that SES accepted but this runner, having died, never recorded. */
  end(): void;
  readonly dead: boolean;
};

/** The mailbox: what SES accepted, as the reader will see it. */
export type Mailbox = { accept(to: string, raw: string): { messageId: string } };

export function createRunner(
  shared: { store: SubscriberStore; mailbox: Mailbox; counters: CounterStore },
  rates: FaultRates,
  random: () => number,
  ledger: Ledger,
  rejects: (to: string) => boolean,
): Runner {
  let dead = false;
  let unsettled = new Map<string, string>(); // messageId -> address
  const seenClaims = new Set<string>();
  const lost: Tally = new Map();
  const alive = async () => {
    await turn();
    if (dead) throw new SimCrash('this runner has crashed');
  };
  const die = (kind: 'crashAfterClaim' | 'crashAfterSend') => {
    dead = true;
    ledger.fault(kind);
    throw new SimCrash(kind);
  };
  const store: SubscriberStore = {
    ...shared.store,
    async get(email) {
      await alive();
      return shared.store.get(email);
    },
    async queryDue(shard, now, limit, cursor) {
      await alive();
      return shared.store.queryDue(shard, now, limit, cursor);
    },
    async put(sub, expectedVersion) {
      await alive();
      if (random() < rates.conflict) {
        ledger.fault('conflict');
        return undefined;
      }
      const prior = await shared.store.get(sub.email);
      const stored = await shared.store.put(sub, expectedVersion);
      const recorded = stored?.sends.at(-1)?.messageId;
      if (recorded) unsettled.delete(recorded);
      const claimId = stored?.claim?.id;
      if (claimId && !seenClaims.has(claimId)) {
        seenClaims.add(claimId);
        if (random() < rates.crashAfterClaim) {
          // Killed between the write and counting it (a paused reader's claim makes them active).
          merge(lost, recordChange(prior, stored));
          die('crashAfterClaim');
        }
      }
      return stored;
    },
  };
  const mailer: Mailer = {
    async send({ to, raw }) {
      await alive();
      if (rejects(to)) throw new MailerError('rejected', 'Address blacklisted.');
      let roll = random();
      const fails = (share: number) => (roll -= share) < 0;
      if (fails(rates.throttle)) throw fault(ledger, 'throttle', new MailerError('throttled', 'Maximum sending rate exceeded.'));
      if (fails(rates.serverError)) throw fault(ledger, 'serverError', new MailerError('transient', 'InternalFailure (500)'));
      if (fails(rates.timeoutBefore)) throw fault(ledger, 'timeoutBefore', new MailerError('transient', 'socket timeout'));
      const { messageId } = shared.mailbox.accept(to, raw);
      if (fails(rates.timeoutAfter)) {
        ledger.acceptedUnknown(to);
        throw fault(ledger, 'timeoutAfter', new MailerError('transient', 'socket timeout (SES had accepted)'));
      }
      if (random() < rates.crashAfterSend) {
        ledger.acceptedUnknown(to);
        die('crashAfterSend');
      }
      unsettled.set(messageId, to);
      return { messageId };
    },
    async quota() {
      return { maxSendRate: 14, max24HourSend: 1_000_000, sentLast24Hours: 0 };
    },
  };
  const counters: CounterStore = {
    ...shared.counters,
    async add(tally) {
      if (dead) {
        // The pass died before its one write of the run's counts: they are what the crash cost.
        merge(lost, tally);
        throw new SimCrash('this runner has crashed');
      }
      await alive();
      return shared.counters.add(tally);
    },
  };
  return {
    store,
    mailer,
    counters,
    lost,
    get dead() {
      return dead;
    },
    begin() {
      dead = false;
      unsettled = new Map();
    },
    end() {
      // Only a runner that died can have left a send unrecorded; a live one
      // that did is a bug, and its duplicates will show as unexplained.
      if (dead) for (const to of unsettled.values()) ledger.acceptedUnknown(to);
      unsettled = new Map();
    },
  };
}

function fault(ledger: Ledger, kind: string, error: MailerError): MailerError {
  ledger.fault(kind);
  return error;
}
