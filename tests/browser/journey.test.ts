import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDue } from '../../functions/services/send-due.js';
import { compiledCourse } from '../support/fixtures.js';
import { openBrowser, summary, TIMEZONE, type Browser } from './audit.js';
import { linkFrom, startApp, waitForMail } from './stack.js';

/**
 * A reader's whole path in a real Chromium, against the real app over HTTP with
 * DynamoDB on dynalite and SES on aws-ses-v2-local: every page is checked
 * (axe, weight, CSP, nothing offsite) and screenshotted at phone and desktop widths.
 */
const email = 'sam.browser@example.com';
let stack: Awaited<ReturnType<typeof startApp>>;
let browser: Browser;
let confirmUrl = '';
let day1Html = '';

beforeAll(async () => {
  stack = await startApp('2026-03-02T14:00:00Z');
  browser = await openBrowser();
});

afterAll(async () => {
  if (browser) console.log(summary(browser.reports, browser.folder));
  await browser?.close();
  await stack?.stop();
});

const heading = () => browser.page.getByRole('heading', { level: 1 }).textContent();
const notice = () => browser.page.getByRole('status').textContent();
/** The form drops a submit that comes sooner after it was served than a person could type (on the app's clock). */
const typingTime = () => stack.clock.advance(5_000);

describe('a reader in a browser', () => {
  it('subscribes on the form, with the time zone filled in by the page', async () => {
    const { page, checkpoint, navigation } = browser;
    await checkpoint('signup', await page.goto(`${stack.baseUrl}/`));
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('First name').fill('Sam');
    await page.getByLabel('Send my lesson at').selectOption('7');
    // The page's inline script, allowed by the CSP's hash, reads the browser's zone.
    expect(await page.locator('#timezone').inputValue()).toBe(TIMEZONE);
    typingTime();
    const response = await navigation(() => page.getByRole('button', { name: 'Start the course' }).click());
    expect(await heading()).toBe('Check your inbox');
    await checkpoint('check-inbox', response);
    await stack.notices.settled(); // the answer came first; the outbox did its work right after
    expect(await stack.deps.store.get(email)).toMatchObject({ status: 'pending', timezone: TIMEZONE, sendHour: 7, firstName: 'Sam' });
  });

  it('confirms from the link in the local mailbox', async () => {
    const { page, checkpoint, navigation } = browser;
    const mail = await waitForMail(email, (m) => m.subject === compiledCourse.confirmation.subject);
    confirmUrl = linkFrom(mail, stack.baseUrl, '/confirm');
    await checkpoint('confirm', await page.goto(confirmUrl));
    expect(await heading()).toBe('Confirm your subscription');
    const confirmed = await navigation(() => page.getByRole('button', { name: 'Confirm my subscription' }).click());
    expect(await heading()).toBe('You are in');
    await checkpoint('confirmed', confirmed);
    expect(await stack.deps.store.get(email)).toMatchObject({ status: 'active', nextDay: 1 });

    // A second tap on the same link (or a reader who kept the tab) is answered kindly.
    const again = await page.goto(confirmUrl);
    expect(await heading()).toBe('Already confirmed');
    await checkpoint('already-confirmed', again);
  });

  it('receives day 1 and reaches preferences and unsubscribe from the email', async () => {
    const { page, checkpoint, navigation } = browser;
    stack.clock.advance(60_000);
    expect(await sendDue(stack.deps)).toMatchObject({ sent: 1, failed: 0 });
    const lesson = await waitForMail(email, (m) => m.subject === compiledCourse.lessons[0]?.subject);
    day1Html = lesson.body.html ?? '';
    expect(day1Html).toContain(`Day 1 of ${compiledCourse.totalDays}`);

    // A blank document first: setContent over one of our pages would inherit its CSP.
    await page.goto('about:blank');
    await page.setContent(day1Html, { waitUntil: 'load' });
    // The email is not one of our pages: its axe findings are printed, not enforced.
    await checkpoint('email-day-1', undefined, { enforce: false });
    const unsubscribeHref = await page.getByRole('link', { name: 'Unsubscribe', exact: true }).getAttribute('href');
    const preferencesHref = await page.getByRole('link', { name: 'Preferences', exact: true }).getAttribute('href');
    expect(preferencesHref).toMatch(new RegExp(`^${stack.baseUrl}/preferences\\?t=`));
    const safetyHref = await page.getByRole('link', { name: 'Safety', exact: true }).getAttribute('href');
    expect(safetyHref).toBe(`${stack.baseUrl}/safety`);

    await checkpoint('safety', await page.goto(safetyHref ?? ''));
    expect(await heading()).toBe('Your safety comes first');
    expect(await page.getByRole('link', { name: 'Find A Helpline' }).getAttribute('href')).toBe('https://findahelpline.com');

    await checkpoint('unsubscribe-question', await page.goto(unsubscribeHref ?? ''));
    expect(await heading()).toBe('Unsubscribe?');
    expect(await page.getByRole('button', { name: 'Unsubscribe' }).isVisible()).toBe(true);

    await page.goto('about:blank');
    await page.setContent(day1Html, { waitUntil: 'load' });
    const preferences = await page.goto(preferencesHref ?? '');
    expect(await heading()).toBe('Your preferences');
    expect(await page.textContent('main')).toContain(`You have had 1 of ${compiledCourse.totalDays} lessons.`);
    await checkpoint('preferences', preferences);
  });

  it('edits the name and the time zone, with an unknown zone shown at its field, typed text kept', async () => {
    const { page, checkpoint, navigation } = browser;
    await page.getByLabel('First name').fill('Sammy');
    const named = await navigation(() => page.getByRole('button', { name: 'Save name' }).click());
    expect(await notice()).toBe('Saved. Lessons will greet you as Sammy.');
    await checkpoint('preferences-name-saved', named);

    // The zone field offers the IANA names as one types (filled by the page's one inline script).
    expect(await page.locator('#zones option').count()).toBeGreaterThan(300);
    await page.getByLabel('Time zone').fill('Mars/Olympus');
    const refused = await navigation(() => page.getByRole('button', { name: 'Save', exact: true }).click());
    expect(refused.status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toContain('Nothing was changed');
    expect(await page.getByLabel('Time zone').inputValue()).toBe('Mars/Olympus');
    expect(await page.getByLabel('Time zone').getAttribute('aria-invalid')).toBe('true');
    expect(await page.textContent('#timezone-error')).toContain('We do not know this time zone');
    await checkpoint('preferences-zone-unknown', refused);

    // Any case is understood, and stored in its usual spelling.
    await page.getByLabel('Time zone').fill(TIMEZONE.toLowerCase());
    const saved = await navigation(() => page.getByRole('button', { name: 'Save', exact: true }).click());
    expect(await notice()).toContain('New York time');
    await checkpoint('preferences-zone-saved', saved);
    expect(await stack.deps.store.get(email)).toMatchObject({ timezone: TIMEZONE, firstName: 'Sammy' });
  });

  it('gets its data through a link emailed at that moment, once', async () => {
    const { page, checkpoint, navigation } = browser;
    const preferencesUrl = page.url();
    const asked = await navigation(() => page.getByRole('button', { name: 'Email me a download link' }).click());
    expect(await heading()).toBe('Check your inbox');
    expect(await page.textContent('main')).toContain('s***@example.com');
    await checkpoint('data-link-sent', asked);
    await stack.notices.settled();
    const mail = await waitForMail(email, (m) => m.subject === compiledCourse.dataExport.subject);
    const dataUrl = linkFrom(mail, stack.baseUrl, '/data');
    await checkpoint('data-download', await page.goto(dataUrl));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data' }).click()]);
    const data = JSON.parse(readFileSync((await download.path()) ?? '', 'utf8'));
    expect(data.subscriber).toMatchObject({ email, firstName: 'Sammy', timezone: TIMEZONE });
    const used = await page.goto(dataUrl);
    expect(used?.status()).toBe(410);
    expect(await heading()).toBe('This link has expired');
    await checkpoint('data-link-used', used);
    await page.goto(preferencesUrl);
  });

  it('signs out every older preferences link; the page goes on working', async () => {
    const { page, checkpoint, navigation } = browser;
    const older = page.url();
    const signedOut = await navigation(() => page.getByRole('button', { name: 'Sign out all older links' }).click());
    expect(await notice()).toContain('older preferences link is signed out');
    await checkpoint('preferences-signed-out', signedOut);
    const current = page.url();
    expect(current).not.toBe(older);
    const stale = await page.goto(older);
    expect(stale?.status()).toBe(410);
    expect(await heading()).toBe('This link is no longer valid');
    expect(await page.textContent('main')).toContain('latest email');
    await checkpoint('link-no-longer-valid', stale);
    await page.goto(current);
    expect(await heading()).toBe('Your preferences');
  });

  it('changes the hour, pauses, resumes, restarts and unsubscribes', async () => {
    const { page, checkpoint, navigation } = browser;
    await page.getByLabel('Time of day').selectOption('9');
    const saved = await navigation(() => page.getByRole('button', { name: 'Save', exact: true }).click());
    expect(await notice()).toBe('Saved. Your lessons now arrive at 09:00, New York time.');
    await checkpoint('preferences-saved', saved);
    expect(await stack.deps.store.get(email)).toMatchObject({ sendHour: 9, timezone: TIMEZONE });

    const paused = await navigation(() => page.getByRole('button', { name: 'Pause for 7 days' }).click());
    expect(await notice()).toBe('Paused. Nothing is lost: your lessons start again by themselves.');
    expect(await page.textContent('main')).toContain('Your lessons are paused until');
    await checkpoint('preferences-paused', paused);
    expect(await stack.deps.store.get(email)).toMatchObject({ status: 'paused' });

    const resumed = await navigation(() => page.getByRole('button', { name: 'Resume now' }).click());
    expect(await notice()).toBe('Welcome back. Your next lesson arrives at your usual time.');
    await checkpoint('preferences-resumed', resumed);
    expect(await stack.deps.store.get(email)).toMatchObject({ status: 'active' });

    const restarted = await navigation(() => page.getByRole('button', { name: 'I broke no contact: restart from day 1' }).click());
    expect(await notice()).toMatch(/^Restarted\. Day 1 arrives/);
    await checkpoint('preferences-restarted', restarted);
    const afterRestart = await stack.deps.store.get(email);
    expect(afterRestart).toMatchObject({ status: 'active', nextDay: 1 });
    expect(afterRestart?.sends).toHaveLength(1); // history kept
    expect(afterRestart?.restarts).toHaveLength(1);

    const unsubscribed = await navigation(() => page.getByRole('button', { name: 'Unsubscribe' }).click());
    expect(await heading()).toBe('You are unsubscribed');
    await checkpoint('unsubscribed', unsubscribed);
    expect(await stack.deps.store.get(email)).toMatchObject({ status: 'unsubscribed' });
    // The way back in leads to the sign-up form.
    await navigation(() => page.getByRole('link', { name: 'Sign up again' }).click());
    expect(await heading()).toBe('Let go, one day at a time');
  });

  it('answers a broken link, an unknown address and bad input kindly', async () => {
    const { page, checkpoint, navigation } = browser;
    const broken = await page.goto(`${stack.baseUrl}/confirm?t=broken`);
    expect(broken?.status()).toBe(400);
    expect(await heading()).toBe('This link does not work');
    expect(await page.getByRole('link', { name: 'Go to the sign-up form' }).getAttribute('href')).toBe('/');
    await checkpoint('broken-link', broken);
    // Someone trying to leave is never sent to the sign-up form.
    const brokenUnsubscribe = await page.goto(`${stack.baseUrl}/unsubscribe?t=broken`);
    expect(brokenUnsubscribe?.status()).toBe(400);
    expect(await page.textContent('main')).toContain('Unsubscribe link at the bottom of any lesson');
    await checkpoint('broken-unsubscribe-link', brokenUnsubscribe);

    const missing = await page.goto(`${stack.baseUrl}/nope`);
    expect(missing?.status()).toBe(404);
    expect(await heading()).toBe('Page not found');
    await checkpoint('not-found', missing);

    await page.goto(`${stack.baseUrl}/`);
    await page.getByLabel('Email address').fill('not-an-email');
    const invalid = await navigation(() => page.getByRole('button', { name: 'Start the course' }).click());
    expect(invalid.status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toBe('Please check the fields marked below.');
    expect(await page.getByLabel('Email address').getAttribute('aria-invalid')).toBe('true');
    expect(await page.textContent('#email-error')).toContain('Enter a valid email address');
    expect(await page.getByLabel('Email address').inputValue()).toBe('not-an-email');
    await checkpoint('signup-errors', invalid);
  });

  it('offers a fresh confirmation email from an expired link', async () => {
    const { page, checkpoint, navigation } = browser;
    const late = 'late.reader@example.com';
    await page.goto(`${stack.baseUrl}/`);
    await page.getByLabel('Email address').fill(late);
    typingTime();
    await navigation(() => page.getByRole('button', { name: 'Start the course' }).click());
    const first = await waitForMail(late, (m) => m.subject === compiledCourse.confirmation.subject);
    stack.clock.advance(8 * 24 * 60 * 60_000);

    const expired = await page.goto(linkFrom(first, stack.baseUrl, '/confirm'));
    expect(expired?.status()).toBe(410);
    expect(await heading()).toBe('This link has expired');
    await checkpoint('expired-link', expired);
    const resent = await navigation(() => page.getByRole('button', { name: 'Send me a fresh confirmation email' }).click());
    expect(await heading()).toBe('Check your inbox');
    await checkpoint('fresh-link-sent', resent);
    const fresh = await waitForMail(late, (m) => m.subject === compiledCourse.confirmation.subject && m.body.text !== first.body.text);
    await page.goto(linkFrom(fresh, stack.baseUrl, '/confirm'));
    expect(await heading()).toBe('Confirm your subscription');
  });

  it('deletes its data from a link emailed at that moment; the old links then lead nowhere', async () => {
    const { page, checkpoint, navigation } = browser;
    const leaving = 'dana.browser@example.com';
    await page.goto(`${stack.baseUrl}/`);
    await page.getByLabel('Email address').fill(leaving);
    typingTime();
    await navigation(() => page.getByRole('button', { name: 'Start the course' }).click());
    await stack.notices.settled();
    await page.goto(linkFrom(await waitForMail(leaving, (m) => m.subject === compiledCourse.confirmation.subject), stack.baseUrl, '/confirm'));
    await navigation(() => page.getByRole('button', { name: 'Confirm my subscription' }).click());
    stack.clock.advance(60_000);
    await sendDue(stack.deps);
    const lesson = await waitForMail(leaving, (m) => m.subject === compiledCourse.lessons[0]?.subject);
    const preferencesUrl = linkFrom(lesson, stack.baseUrl, '/preferences');
    await page.goto(preferencesUrl);
    await navigation(() => page.getByRole('button', { name: 'Email me a link to delete my data' }).click());
    expect(await heading()).toBe('Check your inbox');
    await stack.notices.settled();
    const mail = await waitForMail(leaving, (m) => m.subject === compiledCourse.dataDelete.subject);
    await checkpoint('data-delete', await page.goto(linkFrom(mail, stack.baseUrl, '/data')));
    expect(await heading()).toBe('Delete your data?');
    expect(await page.textContent('main')).toContain('backups after 35 days');
    const deleted = await navigation(() => page.getByRole('button', { name: 'Yes, delete everything' }).click());
    expect(await heading()).toBe('Your data is deleted');
    await checkpoint('data-deleted', deleted);
    expect(await stack.deps.store.get(leaving)).toBeUndefined();
    const gone = await page.goto(preferencesUrl);
    expect(gone?.status()).toBe(410);
    expect(await heading()).toBe('This link is no longer valid');
  });

  it('never requested anything outside this machine', () => {
    expect(browser.offsite).toEqual([]);
  });
});
