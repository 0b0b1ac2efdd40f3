import { describe, expect, it } from 'vitest';
import { activate, newPending, type Subscriber } from '../../functions/core/subscriber.js';
import { MailerError, type Mailer, type SendQuota } from '../../functions/ports.js';
import { sendDue } from '../../functions/services/send-due.js';
import { memoryDeps } from '../support/fixtures.js';
import { virtualTimer } from '../sim/virtual-timer.js';

/** sendDue's pacing, concurrency, throttling and deadlines, on memory adapters and virtual time. */
const START = '2026-12-01T12:00:00Z';
const consent = { at: START, ip: '192.0.2.1', userAgent: 'test', formVersion: '1' };

async function withDue(count: number, mailer?: (timer: ReturnType<typeof virtualTimer>) => Mailer) {
  const timer = virtualTimer();
  const env = memoryDeps(START);
  const deps = mailer ? { ...env.deps, mailer: mailer(timer) } : env.deps;
  const emails = Array.from({ length: count }, (_, i) => `reader${i}@example.com`);
  for (const [i, email] of emails.entries()) {
    const pending = newPending({ email, timezone: 'Europe/London', sendHour: 8, consent }, `optin-${i}`, new Date(START), 0);
    await env.store.put(activate(pending, new Date(Date.parse(START) - i * 1000)), null);
  }
  return { ...env, deps, timer, emails };
}

/** A mailer that takes `latencyMs` of virtual time per send and logs when each send started. */
function slowMailer(timer: ReturnType<typeof virtualTimer>, latencyMs: number, quota: SendQuota, fail?: (to: string, attempt: number) => MailerError | undefined) {
  const log = { starts: [] as number[], maxInFlight: 0, quotaReads: 0, attempts: new Map<string, number>() };
  let inFlight = 0;
  const mailer: Mailer = {
    async send({ to }) {
      const attempt = (log.attempts.get(to) ?? 0) + 1;
      log.attempts.set(to, attempt);
      log.starts.push(timer.nowMs());
      log.maxInFlight = Math.max(log.maxInFlight, ++inFlight);
      await timer.sleep(latencyMs);
      inFlight--;
      const error = fail?.(to, attempt);
      if (error) throw error;
      return { messageId: `m-${to}-${attempt}` };
    },
    async quota() {
      log.quotaReads++;
      return quota;
    },
  };
  return { mailer, log };
}

const perWindow = (starts: number[]) => {
  let most = 0;
  for (const start of starts) most = Math.max(most, starts.filter((s) => s >= start && s < start + 1000).length);
  return most;
};
const quota = (maxSendRate: number, max24HourSend = 50_000): SendQuota => ({ maxSendRate, max24HourSend, sentLast24Hours: 0 });
const record = async (env: { store: { get(email: string): Promise<Subscriber | undefined> } }, email: string) =>
  (await env.store.get(email)) as Subscriber;

describe('sendDue pacing', () => {
  it('reads the quota once and never goes over MaxSendRate, with min(rate, 10) in flight', async () => {
    let probe: ReturnType<typeof slowMailer> | undefined;
    const env = await withDue(40, (timer) => (probe = slowMailer(timer, 300, quota(5))).mailer);
    const summary = await sendDue(env.deps, { timer: env.timer });
    expect(summary).toMatchObject({ claimed: 40, sent: 40, failed: 0, read: 40, ratePerSecond: 5, stoppedEarly: false });
    expect(probe?.log.quotaReads).toBe(1);
    expect(perWindow(probe?.log.starts ?? [])).toBeLessThanOrEqual(5);
    expect(probe?.log.maxInFlight).toBeLessThanOrEqual(5);
    // Paced, not serialized: 40 sends at 5/s take about 8 seconds of virtual time.
    expect(env.timer.nowMs()).toBeGreaterThanOrEqual(7_800);
    expect(env.timer.nowMs()).toBeLessThan(8_500);
  });

  it('keeps at most 10 sends in flight however high the rate', async () => {
    let probe: ReturnType<typeof slowMailer> | undefined;
    const env = await withDue(60, (timer) => (probe = slowMailer(timer, 2_000, quota(500))).mailer);
    expect((await sendDue(env.deps, { timer: env.timer })).sent).toBe(60);
    expect(probe?.log.maxInFlight).toBe(10);
  });

  it('stops at what is left of the 24-hour quota, however many senders run at once', async () => {
    let probe: ReturnType<typeof slowMailer> | undefined;
    const dailyQuota = { maxSendRate: 10, max24HourSend: 100, sentLast24Hours: 97 };
    const env = await withDue(20, (timer) => (probe = slowMailer(timer, 500, dailyQuota)).mailer);
    expect(await sendDue(env.deps, { timer: env.timer })).toMatchObject({ claimed: 3, sent: 3, stoppedEarly: true });
    expect(probe?.log.starts).toHaveLength(3);
  });
});

describe('sendDue under throttling', () => {
  it('backs off the whole run and retries a throttled send in the same run', async () => {
    let probe: ReturnType<typeof slowMailer> | undefined;
    const throttle = (to: string, attempt: number) =>
      to === 'reader0@example.com' && attempt <= 2 ? new MailerError('throttled', 'Maximum sending rate exceeded.') : undefined;
    const env = await withDue(5, (timer) => (probe = slowMailer(timer, 50, quota(10), throttle)).mailer);
    const summary = await sendDue(env.deps, { timer: env.timer, maxInFlight: 1 });
    expect(summary).toMatchObject({ sent: 5, failed: 0, throttled: false });
    expect(probe?.log.attempts.get('reader0@example.com')).toBe(3);
    // 1 s then 2 s of hold-off before the third try.
    expect(env.timer.nowMs()).toBeGreaterThan(3_000);
    expect((await record(env, 'reader0@example.com')).sends).toHaveLength(1);
  });

  it('leaves the lesson due as it was and stops the run when SES keeps throttling', async () => {
    const always = () => new MailerError('throttled', 'Maximum sending rate exceeded.');
    const env = await withDue(5, (timer) => slowMailer(timer, 10, quota(10), always).mailer);
    const before = await record(env, 'reader4@example.com');
    const summary = await sendDue(env.deps, { timer: env.timer, maxInFlight: 1, throttleRetries: 2 });
    expect(summary).toMatchObject({ sent: 0, failed: 1, throttled: true, stoppedEarly: true });
    const after = await record(env, 'reader4@example.com');
    expect(after).toMatchObject({ due: before.due, nextDay: 1 });
    expect(after).not.toHaveProperty('claim');
    expect(after.attempts).toBeUndefined();
    // The next run, with SES calm again, sends everything.
    env.deps.mailer = slowMailer(env.timer, 10, quota(10)).mailer;
    expect(await sendDue(env.deps, { timer: env.timer })).toMatchObject({ sent: 5, throttled: false });
  });
});

describe('sendDue and the Lambda deadline', () => {
  it('stops claiming before the deadline and leaves the rest due for the next run', async () => {
    const env = await withDue(50, (timer) => slowMailer(timer, 100, quota(2)).mailer);
    const deadline = 20_000;
    const summary = await sendDue(env.deps, { timer: env.timer, timeLeftMs: () => deadline - env.timer.nowMs(), reserveMs: 10_000 });
    expect(summary.stoppedEarly).toBe(true);
    // 2 a second for the 10 seconds before the reserve.
    expect(summary.sent).toBeGreaterThanOrEqual(19);
    expect(summary.sent).toBeLessThanOrEqual(21);
    expect(env.timer.nowMs()).toBeLessThan(deadline);
    const left = (await Promise.all(env.emails.map((email) => record(env, email)))).filter((sub) => sub.sends.length === 0);
    expect(left).toHaveLength(50 - summary.sent);
    expect(left.every((sub) => sub.due !== undefined && !sub.claim)).toBe(true);
    expect((await sendDue(env.deps, { timer: env.timer })).sent).toBe(50 - summary.sent);
  });

  it('stops the whole pass on a store failure, leaving the claim to expire', async () => {
    const env = await withDue(3);
    const put = env.deps.store.put;
    let puts = 0;
    env.deps.store = { ...env.deps.store, put: (sub, version) => (++puts >= 2 ? Promise.reject(new Error('DynamoDB down')) : put(sub, version)) };
    await expect(sendDue(env.deps, { maxInFlight: 1 })).rejects.toThrow('DynamoDB down');
    expect(env.mailer.sent).toHaveLength(1);
    const stuck = (await record(env, env.mailer.sent[0]?.to ?? '')).claim;
    expect(stuck?.until).toBe(Date.parse(START) + 10 * 60_000);
  });
});
