import { describe, expect, it } from 'vitest';
import { createMemoryCounterStore } from '../../functions/adapters/counter-stores.js';
import { createMemoryHealthStore } from '../../functions/adapters/health-stores.js';
import { createMemoryStore } from '../../functions/adapters/memory-store.js';
import { memoryTableScan } from '../../functions/adapters/table-scans.js';
import { createCapturingMailer } from '../../functions/adapters/capturing-mailer.js';
import type { Tally } from '../../functions/core/counters.js';
import type { CounterStore } from '../../functions/ports.js';
import { checkAuthorMail, type AuthorCheckDeps } from '../../functions/services/digest.js';
import { recount } from '../../functions/services/recount.js';
import { compiledCourse, parseMail, testClock, testConfig } from '../support/fixtures.js';

/**
 * The author hears without looking: the weekly digest on Monday from
 * DIGEST_HOUR in AUTHOR_TIMEZONE, once; an alert when a lesson loses readers
 * at twice the course's rate or feedback nears the breaker, at most once a day.
 */
const MONDAY_8_LONDON = '2026-12-07T08:00:00Z'; // Europe/London is on UTC in December

function setup(at: string, author: typeof testConfig.author | null = testConfig.author) {
  const clock = testClock(at);
  const counters = createMemoryCounterStore();
  const reads: string[][] = [];
  const counted: CounterStore = { ...counters, read: async (keys) => (reads.push(keys), counters.read(keys)) };
  const mailer = createCapturingMailer();
  const health = createMemoryHealthStore();
  const deps: AuthorCheckDeps = { mailer, clock, course: compiledCourse, config: { ...testConfig, author: author ?? undefined }, counters: counted, health };
  return { deps, clock, counters, mailer, reads, health };
}

const lessons = (rows: Record<number, Record<string, number>>): Tally => new Map(Object.entries(rows).map(([day, fields]) => [`lesson:${day}`, fields]));

describe('the weekly digest', () => {
  it('goes to the author once on Monday from DIGEST_HOUR, with the week in words', async () => {
    const { deps, clock, counters, mailer } = setup('2026-12-07T07:59:00Z');
    await counters.add(new Map([
      ['day:2026-12-03', { signups: 4, confirmations: 3 }],
      ['day:2026-12-05', { signups: 1, completions: 2 }],
      ['now', { active: 9, paused: 1 }],
      ...lessons({ 4: { reached: 10, sent: 10, unsubscribed: 3 }, 6: { reached: 8, yes: 5, no: 1 } }),
    ]));
    expect(await checkAuthorMail(deps)).toEqual({ checked: true });
    clock.set(MONDAY_8_LONDON);
    expect(await checkAuthorMail(deps)).toMatchObject({ digest: 'sent' });
    clock.advance(60_000);
    expect(await checkAuthorMail(deps)).not.toHaveProperty('digest');
    const digests = mailer.sent.filter((mail) => mail.raw.includes('Your week at Let Go'));
    expect(digests).toHaveLength(1);
    const mail = await parseMail(digests[0]?.raw ?? '');
    expect(mail.to).toMatchObject({ text: 'author@letgo.test' });
    expect(mail.text).toContain('5 signed up and 3 confirmed (60%). 2 finished the course. 9 are in the course now, 1 on a break.');
    expect(mail.text).toContain('Most readers who left did so on day 4 (3 of the 10 it reached, all time).');
    expect(mail.text).toContain('Day 6 had the most “yes” (5 of 6)');
    expect(mail.text).toContain('0 bounces and 0 complaints in 0 emails over 7 days. Sending is on.');
    expect(mail.text).toContain('https://letgo.test/admin');
    expect(mail.headers.has('list-unsubscribe')).toBe(false);
    // The next Monday brings the next one.
    clock.set('2026-12-14T09:30:00Z');
    expect(await checkAuthorMail(deps)).toMatchObject({ digest: 'sent' });
  });

  it('follows AUTHOR_TIMEZONE, stays off with DIGEST_HOUR=off, and costs one small read a run', async () => {
    // 08:00 in Tokyo on Monday is 23:00 UTC on Sunday.
    const tokyo = setup('2026-12-06T23:00:00Z', { email: 'author@letgo.test', timezone: 'Asia/Tokyo', digestHour: 8 });
    expect(await checkAuthorMail(tokyo.deps)).toMatchObject({ digest: 'sent' });
    const off = setup(MONDAY_8_LONDON, { email: 'author@letgo.test', timezone: 'UTC', digestHour: undefined });
    expect(await checkAuthorMail(off.deps)).not.toHaveProperty('digest');
    off.reads.length = 0;
    off.clock.advance(60_000);
    await checkAuthorMail(off.deps);
    expect(off.reads).toEqual([['mail:alert:2026-12-07', 'mail:alert-check:2026-12-07T08']]);
    const none = setup(MONDAY_8_LONDON, null);
    expect(await checkAuthorMail(none.deps)).toEqual({ checked: false });
    expect(none.reads).toEqual([]);
  });
});

describe('the alert', () => {
  it('fires when a lesson loses readers at twice the course average over 20 sends, once a day, once a week for the same lesson', async () => {
    const { deps, clock, counters, mailer } = setup('2026-12-08T10:00:00Z');
    await counters.add(lessons({ 1: { reached: 100, sent: 100, unsubscribed: 2 }, 2: { reached: 98, sent: 98, unsubscribed: 2 }, 3: { reached: 96, sent: 96, unsubscribed: 12 } }));
    expect(await checkAuthorMail(deps)).toMatchObject({ alert: 'lesson-3' });
    const alert = await parseMail(mailer.sent.at(-1)?.raw ?? '');
    expect(alert.subject).toBe('Let Go: something to look at today');
    expect(alert.text).toContain('Day 3 (“');
    expect(alert.text).toContain('lost 12 of the 96 readers it reached to unsubscribing (13%), at least twice the course’s average (5%).');
    for (const hours of [1, 2, 24, 48]) {
      clock.set(new Date(Date.parse('2026-12-08T10:00:00Z') + hours * 3_600_000));
      expect(await checkAuthorMail(deps)).not.toHaveProperty('alert');
    }
    expect(mailer.sent).toHaveLength(1);
    // A lesson with few sends is not enough to tell.
    const small = setup('2026-12-08T10:00:00Z');
    await small.counters.add(lessons({ 1: { reached: 100, sent: 100, unsubscribed: 2 }, 2: { reached: 10, sent: 10, unsubscribed: 5 } }));
    expect(await checkAuthorMail(small.deps)).not.toHaveProperty('alert');
  });

  it('fires when lesson bounces or complaints reach half the breaker\'s lines', async () => {
    const { deps, health } = setup('2026-12-08T10:00:00Z');
    await health.add('2026-12-08', { sends: 400, lessonBounces: 11 });
    expect(await checkAuthorMail(deps)).toMatchObject({ alert: 'health' });
  });

  it('its markers survive a recount', async () => {
    const { deps, counters } = setup(MONDAY_8_LONDON);
    await checkAuthorMail(deps);
    await recount({ counters, scan: memoryTableScan({ records: createMemoryStore().all, votes: () => [], counters: counters.all }) });
    expect(counters.all().get('mail:digest:2026-W50')).toEqual({ sent: 1 });
  });
});
