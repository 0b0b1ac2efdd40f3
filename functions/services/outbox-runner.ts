import type { Clock, NoticeJob, NoticeQueue, Outbox } from '../ports.js';
import { abandonNotice, processNotice, type NoticeDeps } from './notices.js';

/**
 * Drains a durable outbox in this process: the local stack and the tests (on
 * AWS, SQS and the notice worker Lambda do this). `enqueue` writes the job and
 * returns at once; the job is picked up right after, never while the request
 * that enqueued it waits. A job that throws is retried with back-off; after
 * `maxAttempts` it is given up (`onGiveUp` frees what it held). A process that
 * dies leaves its jobs in the outbox, and `drain()` at the next start (or the
 * timer) finds them.
 */
export type OutboxRunner = NoticeQueue & {
  /** Works through every job due now; concurrent calls share one pass. */
  drain(): Promise<void>;
  /** Resolves when nothing enqueued so far is still being worked on (tests). */
  settled(): Promise<void>;
};

export type OutboxRunnerOptions = {
  clock: Clock;
  work: (job: NoticeJob) => Promise<unknown>;
  onGiveUp: (job: NoticeJob, error: unknown) => Promise<void>;
  log?: (event: string, fields: Record<string, unknown>) => void;
  maxAttempts?: number;
};

const backoffMs = (attempts: number) => Math.min(30_000 * 2 ** (attempts - 1), 30 * 60_000);

export function createOutboxRunner(outbox: Outbox, options: OutboxRunnerOptions): OutboxRunner {
  const { clock, work, onGiveUp, log, maxAttempts = 5 } = options;
  let pass: Promise<void> | undefined;
  let again = false;

  const runPass = async () => {
    for (;;) {
      const now = clock.now().getTime();
      const due = await outbox.due(now, 25);
      if (due.length === 0) return;
      for (const { job, attempts } of due) {
        try {
          await work(job);
          await outbox.done(job.id);
        } catch (error) {
          const tries = attempts + 1;
          log?.('outbox.retry', { level: tries >= maxAttempts ? 'ERROR' : 'WARN', kind: job.kind, attempts: tries, error: String(error) });
          if (tries >= maxAttempts) {
            await onGiveUp(job, error);
            await outbox.done(job.id);
          } else {
            await outbox.retryAt(job.id, now + backoffMs(tries), tries);
          }
        }
      }
    }
  };

  const drain = (): Promise<void> => {
    if (pass) {
      again = true;
      return pass;
    }
    pass = (async () => {
      try {
        do {
          again = false;
          await runPass();
        } while (again);
      } finally {
        pass = undefined;
      }
    })();
    return pass;
  };

  return {
    async enqueue(job) {
      await outbox.enqueue(job);
      // After the caller's answer has gone out: the request never waits on the notice.
      setImmediate(() => {
        drain().catch((error: unknown) => log?.('outbox.drain-failed', { level: 'ERROR', error: String(error) }));
      });
    },
    drain,
    async settled() {
      // A drain kicked by setImmediate may not have started yet: let it, then wait.
      await new Promise((resolve) => setImmediate(resolve));
      while (pass) await pass.catch(() => undefined);
    },
  };
}

/** The notice worker drained in process (the local stack; tests), wired to its deps. */
export function createNoticeRunner(deps: NoticeDeps, outbox: Outbox): OutboxRunner {
  const runner = createOutboxRunner(outbox, {
    clock: deps.clock,
    work: (job) => processNotice(deps, job),
    onGiveUp: (job, error) => abandonNotice(deps, job, String(error)),
    log: deps.log,
  });
  deps.notices = runner;
  return runner;
}
