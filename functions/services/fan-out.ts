import { DUE_SHARDS } from '../core/subscriber.js';
import type { DripJob, Invoker, Timer } from '../ports.js';
import type { ServiceDeps } from './deps.js';
import { countDueUpTo } from './due-items.js';
import { sendDue, type DripSummary } from './send-due.js';

/**
 * The cron's side of the drip. SES's MaxSendRate sets the pace; one process
 * can keep only so many sends in flight (`workerRate`, sends per second). When
 * SES allows more than that and more is due than one run can send before its
 * deadline, the run is split by due shard over several workers, each paced at
 * its share of the rate, all stopping at the same deadline so that neither two
 * runs nor two minutes ever overlap. Otherwise the cron sends inline.
 */
export type DripRunOptions = {
  timer: Timer;
  /** Real-time ms left before the cron must stop (Lambda's remaining time). */
  timeLeftMs: () => number;
  /** Wall-clock epoch ms when the run started: workers' deadline is absolute. */
  startedAt: number;
  /** Sends per second one process sustains (in-flight cap / SES latency). */
  workerRate: number;
  invoker?: Invoker;
  reserveMs?: number;
  leaseMs?: number;
};

export type DripRunResult =
  | { mode: 'inline'; ratePerSecond: number; summary: DripSummary }
  | { mode: 'fan-out'; ratePerSecond: number; dueAtLeast: number; jobs: DripJob[] };

const ALL_SHARDS = Array.from({ length: DUE_SHARDS }, (_, shard) => shard);

export async function runDrip(deps: ServiceDeps, options: DripRunOptions): Promise<DripRunResult> {
  const { timer, timeLeftMs, reserveMs = 10_000, leaseMs } = options;
  // The quota is read once per run; workers get their shares, not another read.
  const quota = await deps.mailer.quota?.();
  const rate = quota?.maxSendRate ?? Infinity;
  const maxSends = quota ? Math.max(0, quota.max24HourSend - quota.sentLast24Hours) : Infinity;
  const budgetMs = timeLeftMs() - reserveMs;
  const workers = Math.min(DUE_SHARDS, Math.ceil(rate / options.workerRate));
  const inline = async () => ({
    mode: 'inline' as const,
    ratePerSecond: rate,
    summary: await sendDue(deps, { timer, timeLeftMs, reserveMs, leaseMs, ratePerSecond: rate, maxSends }),
  });
  // One process already reaches SES's rate (the usual case), or there is no deadline to beat.
  if (!options.invoker || workers <= 1 || !Number.isFinite(rate) || !Number.isFinite(budgetMs)) return inline();
  const oneRun = Math.floor((Math.min(rate, options.workerRate) * Math.max(0, budgetMs)) / 1000);
  const dueAtLeast = await countDueUpTo(deps.store, ALL_SHARDS, deps.clock.now().getTime(), oneRun);
  if (dueAtLeast <= oneRun) return inline();
  const jobs = splitRun(workers, rate, maxSends, options.startedAt + budgetMs);
  await Promise.all(jobs.map((job) => options.invoker?.invoke(job)));
  deps.log?.('drip.fan-out', { workers: jobs.length, ratePerSecond: rate, dueAtLeast });
  return { mode: 'fan-out', ratePerSecond: rate, dueAtLeast, jobs };
}

/**
 * Splits the shards into `workers` contiguous ranges, and the rate and daily
 * quota in proportion, in whole sends: the shares add up to no more than the
 * total, so the workers together never go over SES's rate in any second.
 */
export function splitRun(workers: number, rate: number, maxSends: number, deadline: number): DripJob[] {
  const ranges = Array.from({ length: workers }, (_, i) =>
    ALL_SHARDS.slice(Math.floor((i * DUE_SHARDS) / workers), Math.floor(((i + 1) * DUE_SHARDS) / workers)),
  );
  const rates = shares(Math.floor(rate), ranges);
  const sends = Number.isFinite(maxSends) ? shares(Math.floor(maxSends), ranges) : undefined;
  return ranges.map((shards, i) => ({
    shards,
    ratePerSecond: rates[i] ?? 0,
    ...(sends ? { maxSends: sends[i] ?? 0 } : {}),
    deadline,
  }));
}

function shares(total: number, ranges: number[][]): number[] {
  const exact = ranges.map((range) => (total * range.length) / DUE_SHARDS);
  const whole = exact.map(Math.floor);
  let left = total - whole.reduce((sum, n) => sum + n, 0);
  // Hand the units lost to rounding down to the largest remainders.
  const order = exact.map((value, i) => ({ i, rest: value - Math.floor(value) })).sort((a, b) => b.rest - a.rest);
  for (const { i } of order) {
    if (left-- <= 0) break;
    whole[i] = (whole[i] ?? 0) + 1;
  }
  return whole;
}

export type DripJobOptions = { timer: Timer; timeLeftMs: () => number; leaseMs?: number };

/** A fan-out worker: its shards, at its share of the rate, until the run's deadline. */
export function runDripJob(deps: ServiceDeps, job: DripJob, options: DripJobOptions): Promise<DripSummary> {
  return sendDue(deps, {
    timer: options.timer,
    timeLeftMs: options.timeLeftMs,
    reserveMs: 0, // the deadline already holds the reserve
    leaseMs: options.leaseMs,
    shards: job.shards,
    ratePerSecond: job.ratePerSecond,
    maxSends: job.maxSends,
  });
}
