import { DateTime } from 'luxon';
import { expect } from 'vitest';
import { createDynamoStore } from '../../functions/adapters/dynamo-store.js';
import { createDynamoOutbox } from '../../functions/adapters/outboxes.js';
import { createDynamoRateLimiter } from '../../functions/adapters/rate-limiters.js';
import { createSesMailer } from '../../functions/adapters/ses-mailer.js';
import type { CompiledCourse } from '../../functions/core/message.js';
import { createApp } from '../../functions/http/app.js';
import type { ServiceDeps } from '../../functions/services/deps.js';
import { sendDue } from '../../functions/services/send-due.js';
import { capturingSesClient, dynamoClient, freshTable, mailboxFor } from './engines.js';
import { linkIn, parseMail, testClock, testConfig, withOutbox } from './fixtures.js';

/**
 * A course taken end to end through the real SDK: DynamoDB on dynalite, SES on
 * aws-ses-v2-local, the form's notices through the durable outbox. Raw MIME is read
 * where the SDK sent it (the local mailbox drops custom headers).
 */
export async function courseRun(course: CompiledCourse, start: string, zone: string) {
  const clock = testClock(start);
  const dynamo = dynamoClient();
  const table = await freshTable(dynamo);
  const ses = capturingSesClient();
  const deps: ServiceDeps = {
    store: createDynamoStore(dynamo, table),
    mailer: createSesMailer(ses.client),
    clock,
    course,
    config: testConfig,
    limiter: createDynamoRateLimiter(dynamo, table),
  };
  const notices = withOutbox(deps, createDynamoOutbox(dynamo, table));
  const app = createApp(deps);
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
    expect(confirmation?.subject).toBe(course.confirmation.subject);
    const confirmUrl = new URL(linkIn(confirmation?.body.text ?? '', '/confirm'));
    const confirmPage = await app.request(`${confirmUrl.pathname}${confirmUrl.search}`);
    expect(await confirmPage.text()).toContain('action="/confirm"');
    const confirmed = await app.request('/confirm', form({ t: confirmUrl.searchParams.get('t') ?? '' }));
    expect(await confirmed.text()).toContain('You are in');
  }

  /** One drip pass at 08:05 local time on the given course day (day 1 = `start`'s day). */
  async function passOnDay(first: DateTime, day: number) {
    clock.set(first.plus({ days: day - 1 }).set({ hour: 8, minute: 5 }).toJSDate());
    return sendDue(deps);
  }

  /** Every mail SES took for `email` but the confirmation, parsed. */
  async function lessonsFor(email: string) {
    const mine = [];
    for (const raw of ses.raws) {
      const mail = await parseMail(raw);
      if (mail.to && !Array.isArray(mail.to) && mail.to.text.includes(email) && mail.subject !== course.confirmation.subject) mine.push(mail);
    }
    return mine;
  }

  /** Day 1 a minute after confirming, then each later day's morning pass; the day the course began. */
  async function takeCourse(email: string): Promise<DateTime> {
    await subscribeAndConfirm(email);
    clock.advance(60_000);
    expect(await sendDue(deps)).toMatchObject({ sent: 1 });
    return DateTime.fromJSDate(clock.now(), { zone }).startOf('day');
  }

  return { deps, app, clock, raws: ses.raws, subscribeAndConfirm, passOnDay, lessonsFor, takeCourse };
}
