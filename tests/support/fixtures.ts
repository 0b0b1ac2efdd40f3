import { simpleParser, type ParsedMail } from 'mailparser';
import course from '../../build/emails.json' with { type: 'json' };
import { createCapturingMailer } from '../../functions/adapters/capturing-mailer.js';
import { createMemoryStore } from '../../functions/adapters/memory-store.js';
import { createApp } from '../../functions/http/app.js';
import type { CompiledCourse } from '../../functions/core/message.js';
import { parseKeyring } from '../../functions/core/tokens.js';
import type { Clock, Mailer, SubscriberStore } from '../../functions/ports.js';
import type { ServiceDeps } from '../../functions/services/deps.js';

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
  const deps: ServiceDeps = { store, mailer, clock, course: compiledCourse, config: testConfig, ...overrides };
  return { deps, store, mailer, clock };
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

/** A header's raw value as sent, unfolded (mailparser folds List-* headers into a structured `list` entry). */
export function headerValue(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((header) => header.key === name.toLowerCase())?.line;
  return line?.slice(line.indexOf(':') + 1).replace(/\r?\n(?=[ \t])/g, '').trim();
}

/**
 * The HTTP app over memoryDeps (fixed client IP), with a form and a JSON
 * client, and the link tokens of the last mail sent.
 */
export function httpHarness(start?: string) {
  const { deps, store, mailer, clock } = memoryDeps(start);
  const app = createApp({ ...deps, clientIp: () => '203.0.113.7' });
  const agent = { 'user-agent': 'test-agent/1.0' };
  const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...agent, ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  const json = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...agent, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  /** The parsed last mail and the `t` of each of its links (undefined when absent). */
  const lastMail = async () => {
    const captured = mailer.sent.at(-1);
    if (!captured) throw new Error('no mail was sent');
    const mail = await parseMail(captured.raw);
    const token = (path: string) => {
      const found = (mail.text ?? '').match(new RegExp(`https://letgo\\.test${path}\\?t=([\\w.-]+)`));
      return found?.[1];
    };
    return { to: captured.to, mail, confirm: token('/confirm'), unsubscribe: token('/unsubscribe'), preferences: token('/preferences') };
  };
  return { app, deps, store, mailer, clock, form, json, lastMail };
}
