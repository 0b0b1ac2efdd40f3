import { simpleParser, type ParsedMail } from 'mailparser';
import course from '../../build/emails.json' with { type: 'json' };
import { createCapturingMailer } from '../../functions/adapters/capturing-mailer.js';
import { createMemoryCounterStore } from '../../functions/adapters/counter-stores.js';
import { createMemoryHealthStore } from '../../functions/adapters/health-stores.js';
import { createMemoryStore } from '../../functions/adapters/memory-store.js';
import { createMemorySessionStore } from '../../functions/adapters/session-stores.js';
import { createMemoryVoteStore } from '../../functions/adapters/vote-stores.js';
import { createMemoryOutbox } from '../../functions/adapters/outboxes.js';
import { createMemoryRateLimiter } from '../../functions/adapters/rate-limiters.js';
import { createApp } from '../../functions/http/app.js';
import type { CompiledCourse } from '../../functions/core/message.js';
import { signRecordLink } from '../../functions/core/link-tokens.js';
import type { Subscriber } from '../../functions/core/subscriber.js';
import { parseKeyring } from '../../functions/core/tokens.js';
import type { Clock, Mailer, Outbox, SubscriberStore } from '../../functions/ports.js';
import type { ServiceDeps } from '../../functions/services/deps.js';
import { createNoticeRunner, type OutboxRunner } from '../../functions/services/outbox-runner.js';
import { formToken } from '../../functions/services/signup.js';

export const TEST_KEYS = parseKeyring(
  `k2:${Buffer.alloc(32, 2).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}`,
);

export const testConfig = {
  baseUrl: 'https://letgo.test',
  mailFrom: 'Let Go <course@letgo.test>',
  replyTo: 'Robin <robin@letgo.test>',
  authorName: 'Robin from Let Go',
  unsubscribeMailto: 'mailto:unsubscribe@letgo.test?subject=unsubscribe',
  keys: TEST_KEYS,
  hashKey: Buffer.alloc(32, 7),
  author: { email: 'author@letgo.test', timezone: 'Europe/London', digestHour: 8 } as { email: string; timezone: string; digestHour?: number } | undefined,
};

export const compiledCourse = course as CompiledCourse;

/** A clock tests move by hand. */
export function testClock(start: string | Date): Clock & { set(to: string | Date): void; advance(ms: number): void } {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    set: (to) => void (now = new Date(to).getTime()),
    advance: (ms) => void (now += ms),
  };
}

export function memoryDeps(start = '2026-12-01T12:00:00Z', overrides: Partial<ServiceDeps> = {}) {
  const store = createMemoryStore();
  const mailer = createCapturingMailer();
  const clock = testClock(start);
  const counters = createMemoryCounterStore();
  const votes = createMemoryVoteStore();
  const deps: ServiceDeps = { store, mailer, clock, course: compiledCourse, config: testConfig, limiter: createMemoryRateLimiter(), counters, votes, ...overrides };
  const outbox = createMemoryOutbox();
  const notices = withOutbox(deps, outbox);
  return { deps, store, mailer, clock, outbox, notices, counters, votes };
}

/** The form's notices through a memory outbox drained in the background, as the local stack does. */
export function withOutbox(deps: ServiceDeps, outbox: Outbox = createMemoryOutbox()): OutboxRunner {
  return createNoticeRunner(deps, outbox);
}

export function parseMail(raw: string): Promise<ParsedMail> {
  return simpleParser(raw);
}

/** The first link in a mail's text part that starts with `${base}${path}`. */
export function linkIn(text: string, path: string, base = testConfig.baseUrl): string {
  const match = text.match(new RegExp(`${base.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}${path}\\?t=[\\w.-]+`));
  if (!match) throw new Error(`no ${path} link in:\n${text.slice(0, 500)}`);
  return match[0];
}

export type { Clock, Mailer, SubscriberStore };

/** Link ids for records a test writes by hand (8 and 6 bytes of base64url). */
export function testLinkIds(seed = 1) {
  return { linkId: Buffer.alloc(8, seed).toString('base64url'), linkSecret: Buffer.alloc(6, seed + 100).toString('base64url') };
}

/** Stores a record written by hand with its link mapping, as the notice worker does. */
export async function putLinked(store: SubscriberStore, sub: Subscriber): Promise<Subscriber> {
  if (sub.linkId) await store.link(sub.linkId, sub.email);
  const stored = await store.put(sub, null);
  if (!stored) throw new Error(`${sub.email} already exists`);
  return stored;
}

/** The links a record's emails carry, as the services sign them. */
export function linksOf(sub: Pick<Subscriber, 'linkId' | 'linkSecret'>) {
  if (!sub.linkId || !sub.linkSecret) throw new Error('this record has no link ids');
  return {
    preferences: signRecordLink(TEST_KEYS, 'preferences', { linkId: sub.linkId, secret: sub.linkSecret }),
    unsubscribe: signRecordLink(TEST_KEYS, 'unsubscribe', { linkId: sub.linkId }),
  };
}

/** A header's raw value as sent, unfolded (mailparser folds List-* headers into a structured `list` entry). */
export function headerValue(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((header) => header.key === name.toLowerCase())?.line;
  return line?.slice(line.indexOf(':') + 1).replace(/\r?\n(?=[ \t])/g, '').trim();
}

/**
 * The HTTP app over memoryDeps (fixed client IP), with a form and a JSON
 * client, and the link tokens of the last mail sent.
 */
export function httpHarness(start?: string, overrides: Partial<ServiceDeps> = {}) {
  const { deps, store, mailer, clock, notices, outbox } = memoryDeps(start, overrides);
  const sessions = createMemorySessionStore();
  const health = createMemoryHealthStore();
  const logs: Array<{ event: string; fields: Record<string, unknown> }> = [];
  deps.log = (event, fields) => void logs.push({ event, fields });
  const app = createApp({ ...deps, sessions, health, clientIp: () => '203.0.113.7' });
  const agent = { 'user-agent': 'test-agent/1.0' };
  /** A form token as the page would have served it a few seconds ago (a person took their time). */
  const formTokenNow = () => formToken({ ...deps, clock: { now: () => new Date(clock.now().getTime() - 5_000) } });
  // Each helper waits for the notices its request enqueued, so a test reads the store and the
  // mailbox as they stand once the outbox has done its work (the app itself never waits).
  const form = async (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) => {
    const withToken = path === '/subscribe' && fields.form_token === undefined ? { ...fields, form_token: formTokenNow() } : fields;
    const res = await app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...agent, ...headers },
      body: new URLSearchParams(withToken).toString(),
    });
    await notices.settled();
    return res;
  };
  const json = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...agent, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    await notices.settled();
    return res;
  };
  /** The parsed last mail and the `t` of each of its links (undefined when absent). */
  const lastMail = async () => {
    await notices.settled();
    const captured = mailer.sent.at(-1);
    if (!captured) throw new Error('no mail was sent');
    const mail = await parseMail(captured.raw);
    const token = (path: string) => {
      const found = (mail.text ?? '').match(new RegExp(`https://letgo\\.test${path}\\?t=([\\w.-]+)`));
      return found?.[1];
    };
    return {
      to: captured.to,
      mail,
      confirm: token('/confirm'),
      unsubscribe: token('/unsubscribe'),
      preferences: token('/preferences'),
      data: token('/data'),
    };
  };
  /** Every notice enqueued so far has been worked on. */
  const settled = () => notices.settled();
  return { app, deps, store, mailer, clock, form, json, lastMail, settled, outbox, formTokenNow, sessions, health, logs };
}
