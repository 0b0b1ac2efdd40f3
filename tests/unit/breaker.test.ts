import { describe, expect, it } from 'vitest';
import { createMemoryHealthStore } from '../../functions/adapters/health-stores.js';
import { tripReason, warnings, ZERO, type Counts } from '../../functions/core/breaker.js';
import { checkBreaker, recordFeedback, recordSends, resumeSending } from '../../functions/services/breaker.js';
import type { SnsGateway } from '../../functions/adapters/sns-verifier.js';
import { activate, newPending } from '../../functions/core/subscriber.js';
import { handleFeedback } from '../../functions/services/feedback.js';
import { sendDue } from '../../functions/services/send-due.js';
import { memoryDeps, testClock } from '../support/fixtures.js';

function harness() {
  const logs: Array<{ event: string; fields: Record<string, unknown> }> = [];
  const deps = { health: createMemoryHealthStore(), clock: testClock('2026-12-01T12:00:00Z'), log: (event: string, fields: Record<string, unknown>) => void logs.push({ event, fields }) };
  return { deps, logs };
}

const counts = (partial: Partial<Counts>): Counts => ({ ...ZERO, ...partial });

describe('tripReason: lesson mail only, a rate and a count', () => {
  it('says nothing below the minimum sample', () => {
    expect(tripReason(counts({ sends: 20, lessonBounces: 10, lessonComplaints: 5 }))).toBeUndefined();
  });
  it('opens over 5% lesson bounces (at least 20) or 0.1% lesson complaints (at least 5), not at them', () => {
    expect(tripReason(counts({ sends: 1000, lessonBounces: 50, lessonComplaints: 4 }))).toBeUndefined();
    expect(tripReason(counts({ sends: 1000, lessonBounces: 51 }))).toMatch(/bounce rate 5\.10%/);
    expect(tripReason(counts({ sends: 1000, lessonComplaints: 5 }))).toMatch(/complaint rate 0\.50%/);
  });
  it('needs the absolute count as well as the rate', () => {
    expect(tripReason(counts({ sends: 200, lessonBounces: 19 }))).toBeUndefined(); // 9.5%, but 19 bounces
    expect(tripReason(counts({ sends: 200, lessonBounces: 20 }))).toMatch(/bounce rate 10\.00%/);
    expect(tripReason(counts({ sends: 250, lessonComplaints: 4 }))).toBeUndefined(); // 1.6%, but 4 complaints
  });
  it('never opens on feedback about other mail, however much', () => {
    expect(tripReason(counts({ sends: 250, otherBounces: 100, otherComplaints: 50 }))).toBeUndefined();
  });
});

describe('warnings: loud, while sending goes on', () => {
  it('warns past half the trip on lessons', () => {
    expect(warnings(counts({ sends: 300, lessonBounces: 10 }))).toEqual([{ level: 'WARN', message: expect.stringContaining('near the breaker') }]);
    expect(warnings(counts({ sends: 300, lessonBounces: 9 }))).toEqual([]);
    expect(warnings(counts({ sends: 300, lessonComplaints: 3 }))).toEqual([{ level: 'WARN', message: expect.stringContaining('complaint rate') }]);
  });
  it('warns on feedback about notices, at ERROR once SES would see its rate crossed', () => {
    expect(warnings(counts({ sends: 10_000, otherBounces: 10 }))).toEqual([{ level: 'WARN', message: expect.stringContaining('10 bounces on mail that is not a lesson') }]);
    expect(warnings(counts({ sends: 250, otherComplaints: 1 }))).toEqual([{ level: 'ERROR', message: expect.stringContaining('0.40%') }]);
    expect(warnings(counts({ sends: 10_000, otherBounces: 3, otherComplaints: 1 }))).toEqual([]);
  });
});

describe('the drip circuit breaker', () => {
  it('stays closed while sending is healthy', async () => {
    const { deps } = harness();
    await recordSends(deps, 500);
    await recordFeedback(deps, { lessonBounces: 10 });
    expect(await checkBreaker(deps)).toMatchObject({ open: false, counts: { sends: 500, lessonBounces: 10 } });
  });

  it('opens on a bounce spike, says so loudly, and stays open until resumed', async () => {
    const { deps, logs } = harness();
    await recordSends(deps, 400);
    deps.clock.advance(86_400_000);
    await recordSends(deps, 200);
    await recordFeedback(deps, { lessonBounces: 31 });
    const tripped = await checkBreaker(deps);
    expect(tripped).toMatchObject({ open: true, reason: expect.stringContaining('bounce rate 5.17%') });
    expect(logs.find((log) => log.event === 'drip.breaker-opened')?.fields).toMatchObject({ level: 'ERROR' });
    // Days later, with no new bounces, it is still open: only the author closes it.
    deps.clock.advance(3 * 86_400_000);
    await recordSends(deps, 10_000);
    expect(await checkBreaker(deps)).toMatchObject({ open: true });
    expect(logs.at(-1)).toMatchObject({ event: 'drip.paused', fields: { resume: 'npm run breaker -- resume' } });
  });

  it('after a resume, only what happens next counts', async () => {
    const { deps } = harness();
    await recordSends(deps, 200);
    await recordFeedback(deps, { lessonComplaints: 5 });
    expect((await checkBreaker(deps)).open).toBe(true);
    await resumeSending(deps);
    expect(await checkBreaker(deps)).toMatchObject({ open: false, counts: { sends: 0, lessonComplaints: 0 } });
    await recordSends(deps, 300);
    await recordFeedback(deps, { lessonComplaints: 4 });
    expect(await checkBreaker(deps)).toMatchObject({ open: false, counts: { sends: 300 } });
    await recordFeedback(deps, { lessonComplaints: 1 });
    expect(await checkBreaker(deps)).toMatchObject({ open: true, reason: expect.stringContaining('complaint rate') });
  });

  it('forgets counts older than the 7-day window', async () => {
    const { deps } = harness();
    await recordSends(deps, 1000);
    await recordFeedback(deps, { lessonBounces: 60 });
    deps.clock.advance(8 * 86_400_000);
    await recordSends(deps, 100);
    await recordFeedback(deps, { lessonBounces: 5 });
    expect(await checkBreaker(deps)).toMatchObject({ open: false, counts: { sends: 100, lessonBounces: 5 } });
  });

  it('reads counts that BatchGet left unprocessed again, and never as zero', async () => {
    let calls = 0;
    const health = createMemoryHealthStore({ unprocessed: () => ++calls % 2 === 1 });
    const deps = { ...harness().deps, health };
    await recordSends(deps, 200);
    await recordFeedback(deps, { lessonBounces: 30 });
    expect(await checkBreaker(deps)).toMatchObject({ open: true });
    expect(health.unprocessedKeys).toBeGreaterThan(0);
    const stuck = { ...deps, health: createMemoryHealthStore({ unprocessed: () => true }) };
    await expect(checkBreaker(stuck)).rejects.toThrow(/unprocessed/);
  });
});

/**
 * The outsider who wants the course stopped (issue 11): feedback on mail that
 * is not a lesson must not stop the lessons. Real services over memory
 * adapters: the drip sends and records lessons, the feedback service maps each
 * SES notification to the record and its MessageId, the breaker decides.
 * (The SNS signature is feedback.test.ts's concern; here SNS is trusted.)
 */
describe('the breaker against an outsider', () => {
  const TOPIC = 'arn:aws:sns:us-east-1:123456789012:let-go-prod-MailFeedbackTopic';
  const trusted: SnsGateway = { verify: async () => true, confirmSubscription: async () => undefined };
  let notifications = 0;
  const notification = (ses: object) => ({
    Type: 'Notification',
    MessageId: `sns-${++notifications}`,
    TopicArn: TOPIC,
    Message: JSON.stringify(ses),
    Timestamp: '2026-12-01T12:00:00.000Z',
    SignatureVersion: '1',
    Signature: 'trusted',
    SigningCertURL: 'https://sns.us-east-1.amazonaws.com/cert.pem',
  });
  const at = '2026-12-01T12:00:00.000Z';
  const bounce = (email: string, messageId: string) =>
    notification({
      eventType: 'Bounce',
      mail: { messageId, timestamp: at },
      bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: [{ emailAddress: email }], feedbackId: `b-${messageId}`, timestamp: at },
    });
  const complaint = (email: string, messageId: string) =>
    notification({
      eventType: 'Complaint',
      mail: { messageId, timestamp: at },
      complaint: { complainedRecipients: [{ emailAddress: email }], feedbackId: `c-${messageId}`, timestamp: at, complaintFeedbackType: 'abuse' },
    });

  /** 100 readers get a lesson; 150 strangers sign up and are sent a confirmation, all counted as sends. */
  async function course() {
    const { deps: breaker, logs } = harness();
    const env = memoryDeps('2026-12-01T12:00:00Z');
    const now = env.clock.now();
    const consent = { at: now.toISOString(), ip: '203.0.113.7', userAgent: 'test', formVersion: 'v1' };
    const pending = (email: string) => newPending({ email, timezone: 'Europe/London', sendHour: 8, consent }, `optin-${email}`, now, 0);
    for (let i = 0; i < 100; i++) await env.store.put(activate(pending(`reader${i}@example.com`), now), null);
    const drip = await sendDue(env.deps);
    await recordSends(breaker, drip.sent);
    for (let i = 0; i < 150; i++) await env.store.put(pending(`stranger${i}@example.net`), null);
    // What the notice worker does after each confirmation SES accepted.
    for (let i = 0; i < 150; i++) await recordSends(breaker, 1);
    const feedback = { store: env.store, clock: env.clock, sns: trusted, topicArns: [TOPIC], health: breaker.health };
    return { breaker, logs, feedback, sent: drip.sent };
  }

  it('6 bounces and 1 complaint on confirmation emails leave the breaker closed, and say so loudly', async () => {
    const { breaker, logs, feedback, sent } = await course();
    expect(sent).toBe(100);
    for (let i = 0; i < 6; i++) await handleFeedback(feedback, bounce(`stranger${i}@example.net`, `confirmation-${i}`));
    await handleFeedback(feedback, complaint('stranger6@example.net', 'confirmation-6'));
    expect(await checkBreaker(breaker)).toMatchObject({ open: false });
    expect(logs.find((log) => log.event === 'drip.breaker-warning')?.fields).toMatchObject({ level: expect.stringMatching(/WARN|ERROR/) });
  });

  it('a real bounce storm on lessons still opens it', async () => {
    const { breaker, feedback } = await course();
    for (let i = 0; i < 25; i++) await handleFeedback(feedback, bounce(`reader${i}@example.com`, await lessonId(feedback, i)));
    expect(await checkBreaker(breaker)).toMatchObject({ open: true, reason: expect.stringContaining('bounce rate') });
  });

  it('five complaints about lessons open it', async () => {
    const { breaker, feedback } = await course();
    for (let i = 0; i < 5; i++) await handleFeedback(feedback, complaint(`reader${i}@example.com`, await lessonId(feedback, i)));
    expect(await checkBreaker(breaker)).toMatchObject({ open: true, reason: expect.stringContaining('complaint rate') });
  });
});

async function lessonId(feedback: { store: { get(email: string): Promise<{ sends: Array<{ messageId: string }> } | undefined> } }, i: number) {
  return (await feedback.store.get(`reader${i}@example.com`))?.sends[0]?.messageId ?? '';
}
