import { describe, expect, it } from 'vitest';
import { createMemoryOutbox } from '../../functions/adapters/outboxes.js';
import { activate, newPending, suppress, type Subscriber } from '../../functions/core/subscriber.js';
import { createApp } from '../../functions/http/app.js';
import { MailerError, type Mailer, type RateLimiter, type SubscriberStore } from '../../functions/ports.js';
import { memoryDeps, putLinked, testLinkIds, withOutbox } from '../support/fixtures.js';

/**
 * The prober times the sign-up form to learn who is on the list. Every state
 * must cost the request the same work, and no request may wait on SES: the
 * notice leaves through the outbox after the answer (DESIGN.md).
 */
const NOW = '2026-12-01T12:00:00.000Z';
const consent = { at: NOW, ip: '192.0.2.1', userAgent: 'test', formVersion: '1' };

/** A mailer that takes 150 ms, and says whether a send is still under way. */
function slowMailer(): Mailer & { pending: number; sent: string[] } {
  const mailer = {
    pending: 0,
    sent: [] as string[],
    async send(message: { to: string }) {
      mailer.pending++;
      await new Promise((resolve) => setTimeout(resolve, 150));
      mailer.pending--;
      mailer.sent.push(message.to);
      return { messageId: `slow-${mailer.sent.length}` };
    },
  };
  return mailer;
}

/** Records every call the request makes on the store and the limiter, by name. */
function traced<T extends object>(target: T, calls: string[], label: string): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      const value = Reflect.get(object, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(`${label}.${String(key)}`);
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

const STATES: Array<[string, (store: SubscriberStore) => Promise<unknown>]> = [
  ['new', async () => undefined],
  ['pending', (store) => putLinked(store, newPending({ email: 'probe@example.com', timezone: 'UTC', sendHour: 8, consent }, 'optin123', new Date(NOW), 0, testLinkIds()))],
  ['active', (store) => putLinked(store, activate(newPending({ email: 'probe@example.com', timezone: 'UTC', sendHour: 8, consent }, 'optin123', new Date(NOW), 0, testLinkIds()), new Date(NOW)))],
  ['completed', (store) => putLinked(store, { ...activate(newPending({ email: 'probe@example.com', timezone: 'UTC', sendHour: 8, consent }, 'optin123', new Date(NOW), 0, testLinkIds()), new Date(NOW)), status: 'completed' } as Subscriber)],
  ['suppressed', (store) => putLinked(store, suppress(newPending({ email: 'probe@example.com', timezone: 'UTC', sendHour: 8, consent }, 'optin123', new Date(NOW), 0, testLinkIds()), new Date(NOW), 'complaint'))],
];

async function probe(prepare: (store: SubscriberStore) => Promise<unknown>, emailedRecently: boolean) {
  const env = memoryDeps(NOW);
  await prepare(env.store);
  const mailer = slowMailer();
  const calls: string[] = [];
  const deps = {
    ...env.deps,
    mailer,
    store: traced(env.store, calls, 'store'),
    limiter: traced(env.deps.limiter as RateLimiter, calls, 'limiter'),
  };
  const outbox = createMemoryOutbox();
  const runner = withOutbox(deps, outbox);
  const app = createApp({ ...deps, clientIp: () => '198.51.100.7' });
  const post = async () => {
    calls.length = 0;
    const res = await app.request('/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'probe@example.com' }),
    });
    return { res, inFlight: mailer.pending, queued: outbox.waiting().length, calls: [...calls] };
  };
  if (emailedRecently) {
    await post();
    await runner.settled();
  }
  const answer = await post();
  await runner.settled();
  return { ...answer, body: await answer.res.text(), sent: mailer.sent };
}

describe('the prober', () => {
  it('gets the same answer after the same work for every state, and no request waits on SES', async () => {
    const results = new Map<string, Awaited<ReturnType<typeof probe>>>();
    for (const [state, prepare] of STATES) {
      for (const recently of [false, true]) results.set(`${state}${recently ? ', emailed 1 min ago' : ''}`, await probe(prepare, recently));
    }
    const [first] = [...results.values()];
    for (const [state, result] of results) {
      expect(result.res.status, state).toBe(200);
      expect(result.body, state).toBe(first?.body);
      // The same calls, in the same order, whatever the address: limits, then one enqueue.
      expect(result.calls, state).toEqual(first?.calls);
      expect(result.calls.some((call) => call.startsWith('store.')), state).toBe(false);
      // Answered with the notice queued, not sent: the 150 ms mailer had not even started.
      expect(result.queued, state).toBe(1);
      expect(result.inFlight, state).toBe(0);
    }
    // Afterwards the worker did what each state calls for.
    expect(results.get('new')?.sent).toEqual(['probe@example.com']);
    expect(results.get('suppressed')?.sent).toEqual([]);
    expect(results.get('active, emailed 1 min ago')?.sent).toEqual(['probe@example.com']);
  });
});

describe('the outbox after a crash', () => {
  it('delivers a notice exactly once when the process died between the sign-up and the email', async () => {
    const env = memoryDeps(NOW);
    const outbox = createMemoryOutbox();
    // The first process: its send never returns, as if killed -9 while SES was being called.
    const hung: Mailer = { send: () => new Promise(() => undefined) };
    const first = withOutbox({ ...env.deps, mailer: hung }, outbox);
    let client = 0;
    const app = createApp({ ...env.deps, notices: first, clientIp: () => `198.51.100.${client++}` });
    const signups = Array.from({ length: 40 }, (_, i) => `crash${i}@example.com`);
    for (const email of signups) {
      const res = await app.request('/subscribe', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
      expect(res.status).toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, 20)); // the dead process got as far as it got
    expect(env.mailer.sent).toHaveLength(0);
    // The next process finds every job still waiting, and sends each notice once.
    const second = withOutbox({ ...env.deps }, outbox);
    await second.drain();
    await second.drain();
    expect(env.mailer.sent.map((mail) => mail.to).sort()).toEqual([...signups].sort());
    expect(outbox.waiting()).toHaveLength(0);
    for (const email of signups) expect(await env.store.get(email)).toMatchObject({ status: 'pending', notice: { sentAt: NOW } });
  });

  it('retries a send SES failed for a moment, and sends it once', async () => {
    const env = memoryDeps(NOW);
    let failures = 1;
    const flaky: Mailer = {
      async send(message) {
        if (failures-- > 0) throw new MailerError('transient', 'timeout');
        return env.mailer.send(message);
      },
    };
    const runner = withOutbox({ ...env.deps, mailer: flaky });
    const app = createApp({ ...env.deps, notices: runner, clientIp: () => '198.51.100.7' });
    await app.request('/subscribe', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'flaky@example.com' }) });
    await runner.settled();
    expect(env.mailer.sent).toHaveLength(0);
    env.clock.advance(60_000);
    await runner.drain();
    expect(env.mailer.sent.map((mail) => mail.to)).toEqual(['flaky@example.com']);
  });
});
