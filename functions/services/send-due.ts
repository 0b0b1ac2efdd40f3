import { randomUUID } from 'node:crypto';
import {
  claimLesson,
  DUE_SHARDS,
  isClaimable,
  recordFailure,
  recordSend,
  type Subscriber,
} from '../core/subscriber.js';
import { MailerError } from '../ports.js';
import { maskEmail, type ServiceDeps } from './deps.js';
import { retryOnConflict } from './links.js';
import { sendTemplate } from './notify.js';

export type DripSummary = {
  claimed: number;
  sent: number;
  failed: number;
  skipped: number;
  throttled: boolean;
  stoppedEarly: boolean;
};

export type DripOptions = {
  /** Real-time ms left before the caller must stop (Lambda's remaining time). */
  timeLeftMs?: () => number;
  /** Stop claiming when less than this is left, so in-flight sends can finish. */
  reserveMs?: number;
  pageSize?: number;
  /** How long a claim holds; a crashed runner's claim is retried after it. */
  leaseMs?: number;
};

/**
 * One drip pass: walk each shard of the due index page by page, claim each due
 * lesson with a conditional write, send it, then advance the reader with a
 * second conditional write. Never more than one lesson per reader per pass:
 * the advance moves `due` at least 8 hours ahead.
 */
export async function sendDue(deps: ServiceDeps, options: DripOptions = {}): Promise<DripSummary> {
  const { timeLeftMs = () => Infinity, reserveMs = 10_000, pageSize = 25, leaseMs = 10 * 60_000 } = options;
  const summary: DripSummary = { claimed: 0, sent: 0, failed: 0, skipped: 0, throttled: false, stoppedEarly: false };
  const now = deps.clock.now();
  for (let shard = 0; shard < DUE_SHARDS && !summary.throttled; shard++) {
    let cursor: string | undefined;
    do {
      if (timeLeftMs() < reserveMs) {
        summary.stoppedEarly = true;
        return summary;
      }
      const page = await deps.store.queryDue(shard, now.getTime(), pageSize, cursor);
      cursor = page.cursor;
      for (const item of page.items) {
        if (summary.throttled || timeLeftMs() < reserveMs) {
          summary.stoppedEarly = true;
          return summary;
        }
        await deliver(deps, item, leaseMs, summary);
      }
    } while (cursor);
  }
  return summary;
}

async function deliver(deps: ServiceDeps, item: Subscriber, leaseMs: number, summary: DripSummary): Promise<void> {
  const now = deps.clock.now();
  if (!isClaimable(item, now)) {
    summary.skipped++;
    return;
  }
  const claimed = await deps.store.put(claimLesson(item, randomUUID(), now, leaseMs), item.version);
  // Another runner claimed it first, or the index was stale: theirs to send.
  if (!claimed?.claim) {
    summary.skipped++;
    return;
  }
  summary.claimed++;
  const day = claimed.claim.day;
  const lesson = deps.course.lessons[day - 1];
  if (!lesson) throw new Error(`course has no lesson for day ${day}`);
  try {
    const { messageId } = await sendTemplate(deps, claimed, lesson, now);
    const send = { day, at: deps.clock.now().toISOString(), messageId };
    await settle(deps, claimed, (fresh) => recordSend(fresh, send));
    summary.sent++;
  } catch (error) {
    if (!(error instanceof MailerError)) throw error;
    summary.failed++;
    if (error.kind === 'throttled') summary.throttled = true;
    deps.log?.('drip.send-failed', { email: maskEmail(claimed.email), day, kind: error.kind, error: error.message });
    await settle(deps, claimed, (fresh) => recordFailure(fresh, deps.clock.now(), error.kind));
  }
}

/**
 * Applies a result to the freshest record: a reader may have unsubscribed
 * while their lesson was in flight, and that must not be overwritten.
 */
async function settle(deps: ServiceDeps, claimed: Subscriber, apply: (fresh: Subscriber) => Subscriber): Promise<void> {
  let current: Subscriber | undefined = claimed;
  await retryOnConflict(async () => {
    current ??= await deps.store.get(claimed.email);
    if (!current) return true;
    const stored = await deps.store.put(apply(current), current.version);
    current = undefined;
    return stored ? true : undefined;
  });
}
