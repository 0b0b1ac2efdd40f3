import { createSign, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryCounterStore } from '../../functions/adapters/counter-stores.js';
import { createMemoryHealthStore } from '../../functions/adapters/health-stores.js';
import { createMemoryStore } from '../../functions/adapters/memory-store.js';
import { createSnsVerifier } from '../../functions/adapters/sns-verifier.js';
import { parseSnsMessage, stringToSign, type SnsMessage } from '../../functions/core/sns-message.js';
import { activate, newPending, SOFT_BOUNCE_LIMIT, REDUCE_AFTER_MS } from '../../functions/core/subscriber.js';
import { handleFeedback, type FeedbackDeps } from '../../functions/services/feedback.js';
import { processNotice } from '../../functions/services/notices.js';
import { memoryDeps, testClock } from '../support/fixtures.js';

/**
 * SES feedback through the service: real SES notification shapes (event
 * publishing and identity notifications), wrapped in SNS envelopes signed with
 * the TEST-ONLY key under tests/fixtures, checked by the real verifier whose
 * certificate fetch is faked.
 */
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const CERT = fixture('sns-test-signing-cert.TEST-ONLY.pem');
const KEY = fixture('sns-test-signing-key.TEST-ONLY.pem');
const envelope: Record<string, unknown> = JSON.parse(fixture('sns-notification-http.json'));
const TOPIC = envelope.TopicArn as string;

function snsMessage(ses: string | object, overrides: Record<string, unknown> = {}, key: string = KEY): Record<string, unknown> {
  const Message = typeof ses === 'string' ? fixture(ses) : JSON.stringify(ses);
  const unsigned = { ...envelope, Message, ...overrides };
  const signature = createSign('RSA-SHA256').update(stringToSign(parseSnsMessage(unsigned) as SnsMessage)).sign(key, 'base64');
  return { ...unsigned, Signature: signature };
}

let store: ReturnType<typeof createMemoryStore>;
let get: ReturnType<typeof vi.fn<(url: string) => Promise<string>>>;
let deps: FeedbackDeps;
const clock = testClock('2026-12-06T12:00:00Z');

async function seed(email: string, state: 'active' | 'pending' = 'active') {
  const at = new Date('2026-12-01T12:00:00Z');
  const consent = { at: at.toISOString(), ip: '203.0.113.7', userAgent: 'test', formVersion: 'v1' };
  const pending = newPending({ email, timezone: 'Europe/London', sendHour: 8, consent }, 'optin-1', at, 0);
  await store.put(state === 'pending' ? pending : activate(pending, at), null);
}

beforeEach(() => {
  store = createMemoryStore();
  get = vi.fn(async (url: string) => (url.endsWith('.pem') ? CERT : '<ConfirmSubscriptionResponse/>'));
  deps = { store, clock, sns: createSnsVerifier(get), topicArns: [TOPIC] };
});

describe('handleFeedback: bounces and complaints', () => {
  it('suppresses on a permanent bounce, once: the same notification again changes nothing', async () => {
    await seed('gone.reader@example.com');
    const message = snsMessage('ses-bounce-permanent.json');
    expect(await handleFeedback(deps, message)).toEqual({
      status: 'applied',
      kind: 'bounce',
      recipients: [{ email: 'g***@example.com', outcome: 'suppressed' }],
    });
    const after = await store.get('gone.reader@example.com');
    expect(after).toMatchObject({ status: 'suppressed', suppressedReason: 'bounce: Permanent/General' });
    // No lesson to come; the due index holds it only until it is reduced, 30 days on.
    expect(after?.nextDay).toBeUndefined();
    expect(after?.due).toBe(Date.parse(after?.suppressedAt ?? '') + REDUCE_AFTER_MS);

    expect(await handleFeedback(deps, message)).toMatchObject({ recipients: [{ outcome: 'unchanged' }] });
    expect(await store.get('gone.reader@example.com')).toEqual(after);
  });

  it('suppresses on a complaint, whatever its feedback type', async () => {
    await seed('annoyed.reader@example.com');
    expect(await handleFeedback(deps, snsMessage('ses-complaint.json'))).toMatchObject({ kind: 'complaint', recipients: [{ outcome: 'suppressed' }] });
    expect(await store.get('annoyed.reader@example.com')).toMatchObject({ status: 'suppressed', suppressedReason: 'complaint: abuse' });
  });

  it('handles every recipient of one notification, normalizing addresses', async () => {
    await seed('first.complainer@example.com');
    await seed('second.complainer@example.com');
    const outcome = await handleFeedback(deps, snsMessage('ses-complaint-several.json'));
    expect(outcome).toMatchObject({ recipients: [{ outcome: 'suppressed' }, { outcome: 'suppressed' }] });
    expect(store.all().map((sub) => sub.status)).toEqual(['suppressed', 'suppressed']);
  });

  it('records a transient bounce per message and suppresses on the third', async () => {
    await seed('full.one@example.com');
    await seed('full.two@example.com');
    const bounce = JSON.parse(fixture('ses-bounce-transient-several.json'));
    const first = snsMessage(bounce);
    expect(await handleFeedback(deps, first)).toMatchObject({ recipients: [{ outcome: 'soft-bounce' }, { outcome: 'soft-bounce' }] });
    expect(await handleFeedback(deps, first)).toMatchObject({ recipients: [{ outcome: 'unchanged' }, { outcome: 'unchanged' }] });
    const one = await store.get('full.one@example.com');
    expect(one).toMatchObject({ status: 'active', softBounces: [{ messageId: bounce.mail.messageId }] });
    expect(one?.due).toBeDefined(); // still on course: a full mailbox may empty

    for (let n = 2; n <= SOFT_BOUNCE_LIMIT; n++) {
      const next = { ...bounce, mail: { ...bounce.mail, messageId: `${bounce.mail.messageId}-${n}` } };
      await handleFeedback(deps, snsMessage(next, { MessageId: `m-${n}` }));
    }
    expect(await store.get('full.two@example.com')).toMatchObject({ status: 'suppressed', suppressedReason: '3 transient bounces' });
  });

  it('keeps a bounced sign-up past its TTL, so signing it up again mails nothing', async () => {
    await seed('gone.reader@example.com', 'pending');
    await handleFeedback(deps, snsMessage('ses-bounce-permanent.json'));
    const after = await store.get('gone.reader@example.com');
    expect(after).toMatchObject({ status: 'suppressed' });
    expect(after?.expiresAt).toBeUndefined();

    const app = memoryDeps('2026-12-20T12:00:00Z', { store });
    const consent = { at: '', ip: '203.0.113.7', userAgent: 'test', formVersion: 'v1' };
    const job = { id: 'job-1', at: '2026-12-20T12:00:00Z', kind: 'signup' as const, email: 'gone.reader@example.com', timezone: 'UTC', sendHour: 8, consent };
    expect(await processNotice(app.deps, job)).toBe('suppressed');
    expect(app.mailer.sent).toHaveLength(0);
  });

  it("counts for the breaker apart: on a lesson (its MessageId is in the reader's sends) or on other mail; redelivery adds nothing", async () => {
    const health = createMemoryHealthStore();
    const counted = { ...deps, health };
    const bounce = JSON.parse(fixture('ses-bounce-permanent.json'));
    await seed('gone.reader@example.com');
    const sub = await store.get('gone.reader@example.com');
    if (!sub) throw new Error('not seeded');
    await store.put({ ...sub, sends: [{ day: 2, at: '2026-12-02T08:00:00.000Z', messageId: bounce.mail.messageId }] }, sub.version);
    await handleFeedback(counted, snsMessage(bounce));
    await handleFeedback(counted, snsMessage(bounce));
    await seed('annoyed.reader@example.com'); // complains about a notice: no lesson of theirs has that MessageId
    await handleFeedback(counted, snsMessage('ses-complaint.json'));
    expect(await health.read(['2026-12-06'])).toEqual([{ sends: 0, lessonBounces: 1, lessonComplaints: 0, otherBounces: 0, otherComplaints: 1 }]);
  });

  it('counts where the reader left the course: the lesson the bounce was about, once however often SNS delivers it', async () => {
    const counters = createMemoryCounterStore();
    const bounce = JSON.parse(fixture('ses-bounce-permanent.json'));
    await seed('gone.reader@example.com');
    const sub = await store.get('gone.reader@example.com');
    if (!sub) throw new Error('not seeded');
    const sends = [1, 2, 3].map((day) => ({ day, at: `2026-12-0${day + 1}T08:00:00.000Z`, messageId: day === 2 ? bounce.mail.messageId : `m${day}` }));
    await store.put({ ...sub, sends, nextDay: 4 }, sub.version);
    await handleFeedback({ ...deps, counters }, snsMessage(bounce));
    await handleFeedback({ ...deps, counters }, snsMessage(bounce));
    expect(counters.all().get('lesson:2')).toEqual({ bounced: 1 });
    expect(counters.all().get('now')).toEqual({ active: -1, suppressed: 1 });
    expect(await store.get('gone.reader@example.com')).toMatchObject({ left: { by: 'bounce', day: 2 } });
    await seed('annoyed.reader@example.com'); // a complaint about a notice: they leave on the lesson they were on
    await handleFeedback({ ...deps, counters }, snsMessage('ses-complaint.json'));
    expect(counters.all().get('lesson:1')).toEqual({ complained: 1 });
  });

  it('reads again when another writer got there first', async () => {
    await seed('annoyed.reader@example.com');
    const put = vi.spyOn(store, 'put');
    put.mockImplementationOnce(async () => undefined); // the drip advanced the reader meanwhile
    await handleFeedback(deps, snsMessage('ses-complaint.json'));
    expect(put).toHaveBeenCalledTimes(2);
    expect(await store.get('annoyed.reader@example.com')).toMatchObject({ status: 'suppressed' });
  });

  it('leaves unknown addresses alone and ignores other SES events and unknown fields', async () => {
    expect(await handleFeedback(deps, snsMessage('ses-bounce-permanent.json'))).toMatchObject({ recipients: [{ outcome: 'unknown' }] });
    expect(store.all()).toHaveLength(0);
    expect(await handleFeedback(deps, snsMessage('ses-delivery.json'))).toEqual({ status: 'ignored', reason: 'Delivery' });
    expect(await handleFeedback(deps, snsMessage({ hello: 'world' }))).toMatchObject({ status: 'ignored' });
    await seed('annoyed.reader@example.com');
    const withExtras = { ...JSON.parse(fixture('ses-complaint.json')), brandNewField: { nested: [1, 2] } };
    expect(await handleFeedback(deps, snsMessage(withExtras, { NewEnvelopeField: 'x' }))).toMatchObject({ status: 'applied' });
  });
});

describe('handleFeedback: what it refuses', () => {
  beforeEach(() => seed('annoyed.reader@example.com'));

  it('rejects a forged or tampered message and changes nothing', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = snsMessage('ses-complaint.json', {}, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    expect(await handleFeedback(deps, forged)).toEqual({ status: 'rejected', reason: 'bad-signature' });
    const genuine = snsMessage('ses-complaint.json');
    const tampered = { ...genuine, Message: (genuine.Message as string).replace('"abuse"', '"not-spam"') };
    expect(await handleFeedback(deps, tampered)).toEqual({ status: 'rejected', reason: 'bad-signature' });
    expect(await store.get('annoyed.reader@example.com')).toMatchObject({ status: 'active' });
  });

  it('rejects a certificate URL off SNS hosts without fetching it', async () => {
    const message = snsMessage('ses-complaint.json', { SigningCertURL: 'https://sns.us-east-1.amazonaws.com.attacker.test/cert.pem' });
    expect(await handleFeedback(deps, message)).toEqual({ status: 'rejected', reason: 'bad-signature' });
    expect(get).not.toHaveBeenCalled();
  });

  it('rejects a validly signed message from a topic that is not ours, before any fetch', async () => {
    const message = snsMessage('ses-complaint.json', { TopicArn: 'arn:aws:sns:us-east-1:999999999999:someone-elses' });
    expect(await handleFeedback(deps, message)).toEqual({ status: 'rejected', reason: 'foreign-topic' });
    expect(get).not.toHaveBeenCalled();
  });

  it('rejects what is not an SNS message', async () => {
    expect(await handleFeedback(deps, { hello: 'world' })).toEqual({ status: 'rejected', reason: 'malformed' });
    expect(await handleFeedback(deps, 'Records')).toEqual({ status: 'rejected', reason: 'malformed' });
  });
});

describe('handleFeedback: subscription confirmation (HTTP delivery)', () => {
  it('confirms through the signed SubscribeURL', async () => {
    const confirmation: Record<string, unknown> = JSON.parse(fixture('sns-subscription-confirmation.json'));
    const unsigned = parseSnsMessage(confirmation) as SnsMessage;
    const Signature = createSign('RSA-SHA256').update(stringToSign(unsigned)).sign(KEY, 'base64');
    expect(await handleFeedback(deps, { ...confirmation, Signature })).toEqual({ status: 'subscription-confirmed' });
    expect(get).toHaveBeenLastCalledWith(confirmation.SubscribeURL);
  });
});
