import course from '../../build/emails.json' with { type: 'json' };
import { createMemoryRateLimiter } from '../../functions/adapters/rate-limiters.js';
import type { CompiledCourse } from '../../functions/core/message.js';
import { activate, newPending, scheduled, type Subscriber } from '../../functions/core/subscriber.js';
import { parseKeyring } from '../../functions/core/tokens.js';
import type { Clock, Mailer, SubscriberStore } from '../../functions/ports.js';
import type { ServiceDeps } from '../../functions/services/deps.js';

/** Shared by the benchmark's measures: readers, a fixed clock, a mailer that only counts. */
export const NOW = new Date('2026-12-01T08:00:00Z');
const ZONES = ['Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Adelaide', 'Pacific/Chatham'];
const consent = { at: NOW.toISOString(), ip: '192.0.2.1', userAgent: 'bench', formVersion: '1' };

export const benchConfig = {
  baseUrl: 'https://letgo.example',
  mailFrom: 'Let Go <course@letgo.example>',
  replyTo: 'Robin <robin@letgo.example>',
  authorName: 'Robin from Let Go',
  unsubscribeMailto: 'mailto:unsubscribe@letgo.example?subject=unsubscribe',
  keys: parseKeyring(`b1:${Buffer.alloc(32, 9).toString('base64')}`),
  hashKey: Buffer.alloc(32, 8),
};

export const fixedClock: Clock = { now: () => NOW };

/**
 * Reader `i` of a list: `due` ones have a lesson due now (days 2..21 spread),
 * others wait for a later lesson (in the due index, not due) or have finished
 * (out of the index), as a live list mostly does.
 */
export function reader(i: number, kind: 'due' | 'later' | 'finished'): Subscriber {
  const email = `reader${i}@bench.example`;
  // Link ids as the notice worker assigns them (8 and 6 bytes), so the drip has nothing to add.
  const link = { linkId: Buffer.alloc(8).fill(i % 251).toString('base64url'), linkSecret: Buffer.alloc(6, 1).toString('base64url') };
  const pending = newPending({ email, firstName: i % 3 ? 'Sam' : undefined, timezone: ZONES[i % ZONES.length] ?? 'UTC', sendHour: 8, consent }, `o${i}`, NOW, 0, link);
  const started = activate(pending, new Date(NOW.getTime() - 86_400_000));
  const day = 2 + (i % 20);
  const sends = Array.from({ length: day - 1 }, (_, d) => ({ day: d + 1, at: NOW.toISOString(), messageId: `ses-${i}-${d}` }));
  const withHistory = { ...started, sends };
  if (kind === 'finished') return { ...withHistory, status: 'completed', nextDay: undefined, due: undefined, dueShard: undefined };
  return scheduled(withHistory, day, NOW.getTime() + (kind === 'due' ? -60_000 * (i % 50) : 3_600_000 + i));
}

export async function seed(store: SubscriberStore, count: number, due: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    // Of those not due, 60% wait for a later lesson and 40% have finished.
    const kind = i < due ? 'due' : i % 5 < 3 ? 'later' : 'finished';
    await store.put(reader(i, kind), null);
  }
}

/** SES stand-in that takes the built message and forgets it: the pipeline's cost, not a mailbox's. */
export function sinkMailer(): Mailer & { count: number } {
  const sink = {
    count: 0,
    async send() {
      return { messageId: `sink-${++sink.count}` };
    },
  };
  return sink;
}

/** Counts the items the due index hands out: the cost of a run in reads. */
export function countingReads(store: SubscriberStore): SubscriberStore & { read: number } {
  const counted = {
    ...store,
    read: 0,
    async queryDue(shard: number, now: number, limit: number, cursor?: string) {
      const page = await store.queryDue(shard, now, limit, cursor);
      counted.read += page.items.length;
      return page;
    },
  };
  return counted;
}

export function benchDeps(store: SubscriberStore, mailer: Mailer): ServiceDeps {
  return { store, mailer, clock: fixedClock, course: course as CompiledCourse, config: benchConfig, limiter: createMemoryRateLimiter() };
}
