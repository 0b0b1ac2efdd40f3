import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { mailboxFor } from '../support/engines.js';
import { compiledCourse, headerValue, linkIn } from '../support/fixtures.js';
import { courseRun } from '../support/reader-run.js';

/**
 * The reader's whole path through the real SDK: DynamoDB on dynalite, SES on
 * aws-ses-v2-local. Raw MIME is read where the SDK sent it (the local mailbox
 * drops custom headers) and parsed with mailparser.
 */
const zone = 'America/New_York';
const days = compiledCourse.totalDays;
let run: Awaited<ReturnType<typeof courseRun>>;

beforeAll(async () => {
  run = await courseRun(compiledCourse, '2026-02-25T15:00:00Z', zone); // spans the March DST switch
});

describe('a reader takes the whole course', () => {
  const email = 'whole.course@example.com';

  it(`gets day 1 within a minute of confirming, then one lesson a day, ${days} in order`, async () => {
    const start = await run.takeCourse(email);
    for (let day = 2; day <= days; day++) {
      const summary = await run.passOnDay(start, day);
      expect(summary, `day ${day}`).toMatchObject({ claimed: 1, sent: 1, failed: 0 });
      // A second pass the same morning sends nothing: one lesson a day.
      expect((await run.passOnDay(start, day)).sent).toBe(0);
    }
    expect((await run.passOnDay(start, days + 1)).sent).toBe(0);
    expect((await run.passOnDay(start, days + 2)).sent).toBe(0);

    const lessons = await run.lessonsFor(email);
    expect(lessons.map((mail) => mail.subject)).toEqual(compiledCourse.lessons.map((lesson) => lesson.subject));
    for (const [i, mail] of lessons.entries()) {
      expect(mail.text).toContain(`Day ${i + 1} of ${days}`);
      expect(mail.html).toBeTruthy();
      expect(linkIn(mail.text ?? '', '/unsubscribe')).toMatch(/^https:/);
      expect(linkIn(mail.text ?? '', '/preferences')).toMatch(/^https:/);
      expect(headerValue(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(headerValue(mail, 'List-Unsubscribe')).toMatch(/^<https:\/\/letgo\.test\/unsubscribe\?t=[\w.-]+>, <mailto:/);
      // Every lesson after the first at the send hour, local time, across the DST switch.
      if (i > 0) expect(DateTime.fromJSDate(mail.date ?? new Date(0), { zone }).hour).toBe(8);
    }
    const record = await run.deps.store.get(email);
    expect(record).toMatchObject({ status: 'completed' });
    expect(record?.sends.map((send) => send.day)).toEqual(Array.from({ length: days }, (_, i) => i + 1));
    expect(record).not.toHaveProperty('due');
    // The mailbox holds what SES accepted: the confirmation and every lesson.
    expect(await mailboxFor(email)).toHaveLength(days + 1);
  });
});

describe('a reader leaves mid-course', () => {
  const email = 'leaves.early@example.com';

  it('gets nothing more after the one-click unsubscribe of a lesson', async () => {
    run.clock.set('2026-04-01T14:00:00Z');
    const start = await run.takeCourse(email);
    for (let day = 2; day <= 5; day++) await run.passOnDay(start, day);
    const lessons = await run.lessonsFor(email);
    expect(lessons).toHaveLength(5);

    // What a mail client does with List-Unsubscribe + List-Unsubscribe-Post (RFC 8058).
    const header = (lessons[4] && headerValue(lessons[4], 'List-Unsubscribe')) ?? '';
    const url = new URL(header.match(/<(https:[^>]+)>/)?.[1] ?? '');
    const oneClick = await run.app.request(`${url.pathname}${url.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);

    for (let day = 6; day <= days + 4; day++) expect((await run.passOnDay(start, day)).sent).toBe(0);
    expect(await run.lessonsFor(email)).toHaveLength(5);
    expect(await run.deps.store.get(email)).toMatchObject({ status: 'unsubscribed' });
  });
});
