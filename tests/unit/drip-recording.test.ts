import { describe, expect, it } from 'vitest';
import { activate, newPending, type Subscriber } from '../../functions/core/subscriber.js';
import { MailerError, type Mailer, type SubscriberStore } from '../../functions/ports.js';
import { sendDue } from '../../functions/services/send-due.js';
import { memoryDeps } from '../support/fixtures.js';

/**
 * What the drip writes after SES answered (issue 11, "a bad day at AWS"):
 * which failures count against an address, a message SES refuses for what it
 * is, a write whose reply was lost, and a send that cannot be recorded.
 */
const START = '2026-12-01T12:00:00Z';
const LEASE_MS = 10 * 60_000;
const DAY_MS = 86_400_000;
const consent = { at: START, ip: '192.0.2.1', userAgent: 'test', formVersion: '1' };

async function harness(count = 1, timezone = 'Europe/London') {
  const logs: Array<{ event: string; fields: Record<string, unknown> }> = [];
  const env = memoryDeps(START);
  env.deps.log = (event, fields) => void logs.push({ event, fields });
  const emails = Array.from({ length: count }, (_, i) => `reader${i}@example.com`);
  for (const [i, email] of emails.entries()) {
    const pending = newPending({ email, timezone, sendHour: 8, consent }, `optin-${i}`, new Date(START), 0);
    await env.store.put(activate(pending, new Date(Date.parse(START) - i * 1000)), null);
  }
  const record = async (email = emails[0] ?? '') => (await env.store.get(email)) as Subscriber;
  return { ...env, logs, emails, record };
}

const failing = (errors: MailerError[], then: Mailer): Mailer => ({
  async send(message) {
    const error = errors.shift();
    if (error) throw error;
    return then.send(message);
  },
});

/** A store whose put fails (as `fail` decides) for writes that record a send. */
function storeFailingSendWrites(store: SubscriberStore, fail: (write: number) => 'throw' | 'lost-reply' | 'ok'): SubscriberStore {
  let writes = 0;
  return {
    ...store,
    async put(sub, version) {
      const before = version === null ? undefined : await store.get(sub.email);
      if (sub.sends.length <= (before?.sends.length ?? 0)) return store.put(sub, version);
      const outcome = fail(++writes);
      if (outcome === 'throw') throw Object.assign(new Error('One or more parameter values were invalid'), { name: 'ValidationException' });
      const stored = await store.put(sub, version);
      // Applied, but the answer never came back: DynamoDB's retry then fails its condition.
      return outcome === 'lost-reply' ? undefined : stored;
    },
  };
}

describe('drip failures: only address rejections count against a reader', () => {
  it('two timeouts then one rejection do not suppress; the lesson backs off and goes out next time', async () => {
    const env = await harness();
    env.deps.mailer = failing(
      [new MailerError('transient', 'socket timeout'), new MailerError('transient', 'socket timeout'), new MailerError('rejected', 'Address blacklisted.')],
      env.mailer,
    );
    for (const minutes of [0, 5, 15, 30]) {
      env.clock.set(new Date(Date.parse(START) + minutes * 60_000));
      await sendDue(env.deps);
    }
    const after = await env.record();
    expect(after.status).toBe('active');
    expect(after.sends).toHaveLength(1);
    expect(env.mailer.sent).toHaveLength(1);
  });

  it('a message SES refuses for what it is suppresses nobody: an ERROR and the run stops, the claim left to expire', async () => {
    const env = await harness(3);
    env.deps.mailer = failing([new MailerError('unsendable', 'InvalidParameterValue: Illegal header')], env.mailer);
    await expect(sendDue(env.deps, { maxInFlight: 1 })).rejects.toThrow(/Illegal header/);
    const refused = env.logs.find((log) => log.event === 'drip.send-refused');
    expect(refused?.fields).toMatchObject({ level: 'ERROR', kind: 'unsendable' });
    const records = await Promise.all(env.emails.map((email) => env.record(email)));
    expect(records.map((sub) => sub.status)).toEqual(['active', 'active', 'active']);
    expect(records.every((sub) => sub.attempts === undefined)).toBe(true);
    const stuck = records.find((sub) => sub.claim);
    expect(stuck?.claim?.until).toBe(Date.parse(START) + LEASE_MS);
    // Once the cause is fixed, the lesson goes out when the claim has expired.
    env.deps.mailer = env.mailer;
    env.clock.set(new Date(Date.parse(START) + LEASE_MS));
    await sendDue(env.deps);
    expect((await env.record(stuck?.email)).sends).toHaveLength(1);
  });
});

describe('drip: recording a send SES accepted', () => {
  it('records it once when the write applied but its reply was lost', async () => {
    const env = await harness();
    env.deps.store = storeFailingSendWrites(env.store, (write) => (write === 1 ? 'lost-reply' : 'ok'));
    expect(await sendDue(env.deps)).toMatchObject({ sent: 1 });
    const after = await env.record();
    expect(after.sends.map((send) => send.messageId)).toEqual(['captured-1']);
    expect(after).toMatchObject({ nextDay: 2 });
  });

  it('when the normal advance keeps throwing, writes the fallback (send kept, claim cleared, due a day on) and never re-sends', async () => {
    const env = await harness();
    env.deps.store = storeFailingSendWrites(env.store, (write) => (write === 1 ? 'throw' : 'ok'));
    expect(await sendDue(env.deps)).toMatchObject({ sent: 1 });
    const after = await env.record();
    expect(after).toMatchObject({ nextDay: 2, due: Date.parse(START) + DAY_MS, sends: [{ day: 1, messageId: 'captured-1' }] });
    expect(after.claim).toBeUndefined();
    expect(env.logs.find((log) => log.event === 'drip.record-fallback')?.fields).toMatchObject({ level: 'ERROR', day: 1 });
    env.clock.set(new Date(Date.parse(START) + LEASE_MS + 1));
    await sendDue(env.deps);
    expect(env.mailer.sent).toHaveLength(1);
  });

  it('a reader whose stored time zone no longer resolves still moves on after SES accepted', async () => {
    const env = await harness(1, 'Europe/London');
    const sub = await env.record();
    await env.store.put({ ...sub, timezone: 'Mars/Olympus_Mons' }, sub.version);
    expect(await sendDue(env.deps)).toMatchObject({ sent: 1 });
    expect(await env.record()).toMatchObject({ nextDay: 2, due: Date.parse(START) + DAY_MS });
    env.clock.set(new Date(Date.parse(START) + LEASE_MS + 1));
    await sendDue(env.deps);
    expect(env.mailer.sent).toHaveLength(1);
  });

  it('when every write throws, the claim stays and the lease expiry sends it again: the one gap SES leaves', async () => {
    const env = await harness();
    env.deps.store = storeFailingSendWrites(env.store, () => 'throw');
    await expect(sendDue(env.deps)).rejects.toThrow(/parameter values were invalid/);
    expect(env.logs.find((log) => log.event === 'drip.record-failed')?.fields).toMatchObject({ level: 'ERROR', day: 1 });
    expect((await env.record()).claim?.until).toBe(Date.parse(START) + LEASE_MS);
    env.deps.store = env.store;
    env.clock.set(new Date(Date.parse(START) + LEASE_MS));
    await sendDue(env.deps);
    expect(env.mailer.sent.map((sent) => sent.to)).toEqual(['reader0@example.com', 'reader0@example.com']);
  });
});
