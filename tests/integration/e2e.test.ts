import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoStore } from '../../functions/adapters/dynamo-store.js';
import { createDynamoOutbox } from '../../functions/adapters/outboxes.js';
import { createDynamoRateLimiter } from '../../functions/adapters/rate-limiters.js';
import { createSesMailer } from '../../functions/adapters/ses-mailer.js';
import { createApp } from '../../functions/http/app.js';
import type { ServiceDeps } from '../../functions/services/deps.js';
import { sendDue } from '../../functions/services/send-due.js';
import { capturingSesClient, dynamoClient, freshTable, mailboxFor } from '../support/engines.js';
import { compiledCourse, headerValue, linkIn, parseMail, testClock, testConfig, withOutbox } from '../support/fixtures.js';

/**
 * The reader's whole path through the real SDK: DynamoDB on dynalite, SES on
 * aws-ses-v2-local. Raw MIME is read where the SDK sent it (the local mailbox
 * drops custom headers) and parsed with mailparser.
 */
const zone = 'America/New_York';
const clock = testClock('2026-02-25T15:00:00Z'); // spans the March DST switch
let deps: ServiceDeps;
let raws: string[];
let app: ReturnType<typeof createApp>;
let notices: ReturnType<typeof withOutbox>;

beforeAll(async () => {
  const dynamo = dynamoClient();
  const table = await freshTable(dynamo);
  const ses = capturingSesClient();
  raws = ses.raws;
  deps = {
    store: createDynamoStore(dynamo, table),
    mailer: createSesMailer(ses.client),
    clock,
    course: compiledCourse,
    config: testConfig,
    limiter: createDynamoRateLimiter(dynamo, table),
  };
  // The form's notices through the durable outbox in the same table, as the local stack runs it.
  notices = withOutbox(deps, createDynamoOutbox(dynamo, table));
  app = createApp(deps);
});

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

async function subscribeAndConfirm(email: string): Promise<void> {
  const page = await (await app.request('/')).text();
  const formToken = /name="form_token" value="([^"]+)"/.exec(page)?.[1] ?? '';
  clock.advance(5_000); // a person takes a few seconds to fill the form
  const signup = await app.request('/subscribe', form({ email, first_name: 'Alex', timezone: zone, send_hour: '8', form_token: formToken }));
  expect(signup.status).toBe(200);
  await notices.settled();
  const [confirmation] = await mailboxFor(email);
  expect(confirmation?.subject).toBe(compiledCourse.confirmation.subject);
  const confirmUrl = new URL(linkIn(confirmation?.body.text ?? '', '/confirm'));
  const confirmPage = await app.request(`${confirmUrl.pathname}${confirmUrl.search}`);
  expect(await confirmPage.text()).toContain('action="/confirm"');
  const confirmed = await app.request('/confirm', form({ t: confirmUrl.searchParams.get('t') ?? '' }));
  expect(await confirmed.text()).toContain('You are in');
}

/** One drip pass at 08:05 local time on the given course day (day 1 = confirmation day). */
async function passOnDay(start: DateTime, day: number) {
  clock.set(start.plus({ days: day - 1 }).set({ hour: 8, minute: 5 }).toJSDate());
  return sendDue(deps);
}

async function lessonsFor(email: string) {
  const mine = [];
  for (const raw of raws) {
    const mail = await parseMail(raw);
    if (mail.to && !Array.isArray(mail.to) && mail.to.text.includes(email) && mail.subject !== compiledCourse.confirmation.subject) {
      mine.push(mail);
    }
  }
  return mine;
}

describe('a reader takes the whole course', () => {
  const email = 'whole.course@example.com';

  it('gets day 1 within a minute of confirming, then one lesson a day, 21 in order', async () => {
    await subscribeAndConfirm(email);
    clock.advance(60_000);
    expect(await sendDue(deps)).toMatchObject({ sent: 1 });
    const start = DateTime.fromJSDate(clock.now(), { zone }).startOf('day');
    for (let day = 2; day <= 21; day++) {
      const summary = await passOnDay(start, day);
      expect(summary, `day ${day}`).toMatchObject({ claimed: 1, sent: 1, failed: 0 });
      // A second pass the same morning sends nothing: one lesson a day.
      expect((await sendDue(deps)).sent).toBe(0);
    }
    expect((await passOnDay(start, 22)).sent).toBe(0);
    expect((await passOnDay(start, 23)).sent).toBe(0);

    const lessons = await lessonsFor(email);
    expect(lessons.map((mail) => mail.subject)).toEqual(compiledCourse.lessons.map((lesson) => lesson.subject));
    for (const [i, mail] of lessons.entries()) {
      expect(mail.text).toContain(`Day ${i + 1} of 21`);
      expect(mail.html).toBeTruthy();
      expect(linkIn(mail.text ?? '', '/unsubscribe')).toMatch(/^https:/);
      expect(linkIn(mail.text ?? '', '/preferences')).toMatch(/^https:/);
      expect(headerValue(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(headerValue(mail, 'List-Unsubscribe')).toMatch(/^<https:\/\/letgo\.test\/unsubscribe\?t=[\w.-]+>, <mailto:/);
      // Lessons 2..21 at the send hour, local time, across the DST switch.
      if (i > 0) expect(DateTime.fromJSDate(mail.date ?? new Date(0), { zone }).hour).toBe(8);
    }
    const record = await deps.store.get(email);
    expect(record).toMatchObject({ status: 'completed' });
    expect(record?.sends.map((send) => send.day)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(record).not.toHaveProperty('due');
    // The mailbox holds what SES accepted: the confirmation and the 21 lessons.
    expect(await mailboxFor(email)).toHaveLength(22);
  });
});

describe('a reader leaves mid-course', () => {
  const email = 'leaves.early@example.com';

  it('gets nothing more after the one-click unsubscribe of a lesson', async () => {
    clock.set('2026-04-01T14:00:00Z');
    await subscribeAndConfirm(email);
    clock.advance(60_000);
    await sendDue(deps);
    const start = DateTime.fromJSDate(clock.now(), { zone }).startOf('day');
    for (let day = 2; day <= 5; day++) await passOnDay(start, day);
    const lessons = await lessonsFor(email);
    expect(lessons).toHaveLength(5);

    // What a mail client does with List-Unsubscribe + List-Unsubscribe-Post (RFC 8058).
    const header = (lessons[4] && headerValue(lessons[4], 'List-Unsubscribe')) ?? '';
    const url = new URL(header.match(/<(https:[^>]+)>/)?.[1] ?? '');
    const oneClick = await app.request(`${url.pathname}${url.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);

    for (let day = 6; day <= 25; day++) expect((await passOnDay(start, day)).sent).toBe(0);
    expect(await lessonsFor(email)).toHaveLength(5);
    expect(await deps.store.get(email)).toMatchObject({ status: 'unsubscribed' });
  });
});
