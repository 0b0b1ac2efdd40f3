import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInProcessInvoker } from '../../functions/adapters/in-process-invoker.js';
import { activate, DUE_SHARDS, newPending } from '../../functions/core/subscriber.js';
import type { Mailer, SendQuota } from '../../functions/ports.js';
import { runDrip, runDripJob, splitRun } from '../../functions/services/fan-out.js';
import { memoryDeps } from '../support/fixtures.js';
import { virtualTimer } from '../sim/virtual-timer.js';

/** The cron's choice between sending inline and fanning out, run in-process on virtual time. */
const START = '2026-12-01T12:00:00Z';
const consent = { at: START, ip: '192.0.2.1', userAgent: 'test', formVersion: '1' };

async function setup(due: number, quota: SendQuota) {
  const timer = virtualTimer();
  const env = memoryDeps(START);
  const sends: Array<{ to: string; at: number }> = [];
  let quotaReads = 0;
  const mailer: Mailer = {
    async send({ to }) {
      sends.push({ to, at: timer.nowMs() });
      await timer.sleep(100); // SES's answer takes 100 ms
      return { messageId: `m-${sends.length}` };
    },
    async quota() {
      quotaReads++;
      return quota;
    },
  };
  for (let i = 0; i < due; i++) {
    const email = `reader${i}@example.com`;
    const pending = newPending({ email, timezone: 'Asia/Kolkata', sendHour: 8, consent }, `o${i}`, new Date(START), 0);
    await env.store.put(activate(pending, new Date(START)), null);
  }
  const deps = { ...env.deps, mailer };
  return { deps, timer, sends, quotaReads: () => quotaReads };
}

const quota = (maxSendRate: number): SendQuota => ({ maxSendRate, max24HourSend: 1_000_000, sentLast24Hours: 0 });

describe('runDrip: inline or fan-out', () => {
  it('sends inline when one process already reaches the SES rate (the usual case)', async () => {
    const { deps, timer } = await setup(30, quota(14));
    const invoker = createInProcessInvoker(async () => undefined);
    const result = await runDrip(deps, { timer, timeLeftMs: () => 55_000 - timer.nowMs(), startedAt: 0, workerRate: 50, invoker });
    expect(result).toMatchObject({ mode: 'inline', ratePerSecond: 14, summary: { sent: 30 } });
    expect(invoker.jobs).toHaveLength(0);
  });

  it('sends inline when one run can send all that is due, even at a high rate', async () => {
    const { deps, timer } = await setup(300, quota(200));
    const invoker = createInProcessInvoker(async () => undefined);
    const result = await runDrip(deps, { timer, timeLeftMs: () => 55_000 - timer.nowMs(), startedAt: 0, workerRate: 50, invoker });
    expect(result).toMatchObject({ mode: 'inline', summary: { sent: 300 } });
  });

  it('fans out by shard when more is due than one run can send, and the workers share the rate', async () => {
    const { deps, timer, sends, quotaReads } = await setup(3_000, quota(200));
    const invoker = createInProcessInvoker((job) =>
      runDripJob(deps, job, { timer, timeLeftMs: () => job.deadline - timer.nowMs() }),
    );
    // 25 s of budget: one process at 50/s sends 1,250; four workers at 50/s each can send them all.
    const result = await runDrip(deps, { timer, timeLeftMs: () => 35_000 - timer.nowMs(), startedAt: 0, workerRate: 50, invoker });
    expect(result).toMatchObject({ mode: 'fan-out', ratePerSecond: 200, dueAtLeast: 1_251 });
    if (result.mode !== 'fan-out') return;
    expect(result.jobs.map((job) => job.ratePerSecond)).toEqual([50, 50, 50, 50]);
    expect(result.jobs.flatMap((job) => job.shards)).toEqual(Array.from({ length: DUE_SHARDS }, (_, i) => i));
    expect(result.jobs.every((job) => job.deadline === 25_000)).toBe(true);

    const outcomes = await invoker.settled();
    expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect(quotaReads()).toBe(1);
    expect(new Set(sends.map((send) => send.to)).size).toBe(sends.length);
    expect(sends.length).toBe(3_000);
    // Together the workers stay within SES's 200 a second, and within the deadline.
    const starts = sends.map((send) => send.at).sort((a, b) => a - b);
    let first = 0;
    for (let last = 0; last < starts.length; last++) {
      while ((starts[first] ?? 0) <= (starts[last] ?? 0) - 1000) first++;
      expect(last - first + 1).toBeLessThanOrEqual(200);
    }
    expect(starts.at(-1)).toBeLessThan(25_000);
  });
});

describe('splitRun', () => {
  it('property: shards are split without overlap or gap, shares add up to no more than the whole', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: DUE_SHARDS }), fc.double({ min: 16, max: 5_000, noNaN: true }), fc.integer({ min: 0, max: 10_000_000 }), (workers, rate, left) => {
        const jobs = splitRun(workers, rate, left, 1);
        expect(jobs).toHaveLength(workers);
        expect(jobs.flatMap((job) => job.shards)).toEqual(Array.from({ length: DUE_SHARDS }, (_, i) => i));
        expect(jobs.every((job) => job.shards.length > 0 && job.ratePerSecond >= 1)).toBe(true);
        expect(jobs.reduce((sum, job) => sum + job.ratePerSecond, 0)).toBe(Math.floor(rate));
        expect(jobs.reduce((sum, job) => sum + (job.maxSends ?? 0), 0)).toBe(left);
      }),
    );
  });

  it('leaves the daily cap out when SES sets none', () => {
    expect(splitRun(2, 100, Infinity, 9)[0]).toEqual({ shards: [0, 1, 2, 3, 4, 5, 6, 7], ratePerSecond: 50, deadline: 9 });
  });
});
