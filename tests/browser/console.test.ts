import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomLinkValue, LINK_ID_BYTES } from '../../functions/core/link-tokens.js';
import { activate, newPending } from '../../functions/core/subscriber.js';
import { castVote } from '../../functions/services/helpful.js';
import { counterSink, countSignup, countWrite } from '../../functions/services/counting.js';
import { changePreferences } from '../../functions/services/preferences.js';
import { sendDue } from '../../functions/services/send-due.js';
import { unsubscribeByToken } from '../../functions/services/links.js';
import { signLink, signRecordLink } from '../../functions/core/link-tokens.js';
import { openBrowser, summary, type Browser } from './audit.js';
import { startApp, waitForMail } from './stack.js';

/**
 * The author's console in a real Chromium, against the real app over HTTP on
 * dynalite and the local mailbox: sign in from the emailed link, then every
 * page checked with axe (no serious or critical finding), its weight and CSP,
 * and screenshotted at 375 and 1280 px.
 */
const AUTHOR = 'robin.author@example.com';
let stack: Awaited<ReturnType<typeof startApp>>;
let browser: Browser;
const DAY = 86_400_000;

/** A small course in progress: 36 readers over two weeks, some leaving, pausing, restarting and answering. */
async function seedCourse() {
  const { deps, clock } = stack;
  const sink = counterSink(deps);
  const readers: string[] = [];
  for (let i = 0; i < 36; i++) {
    if (i % 3 === 0) clock.advance(DAY); // over two weeks: two cohorts and a bit
    const email = `reader${i}@example.com`;
    const ids = { linkId: randomLinkValue(LINK_ID_BYTES), linkSecret: randomLinkValue() };
    const consent = { at: clock.now().toISOString(), ip: '192.0.2.1', userAgent: 'seed', formVersion: '1' };
    const pending = newPending({ email, timezone: i % 2 ? 'Europe/Berlin' : 'America/New_York', sendHour: 8, consent }, randomLinkValue(), clock.now(), 0, ids);
    await deps.store.link(ids.linkId, email);
    const stored = await deps.store.put(pending, null);
    if (stored) await countSignup(sink, stored);
    if (i % 7 === 3) continue; // never confirmed
    const active = await deps.store.put(activate(stored!, clock.now()), stored!.version);
    await countWrite(sink, stored, active);
    readers.push(email);
  }
  for (let day = 0; day < 12; day++) {
    clock.advance(DAY);
    await sendDue(deps);
    for (const [i, email] of readers.entries()) {
      const sub = await deps.store.get(email);
      if (!sub || sub.status !== 'active' || !sub.linkId) continue;
      const keys = deps.config.keys;
      const links = {
        preferences: signRecordLink(keys, 'preferences', { linkId: sub.linkId, secret: sub.linkSecret }),
        unsubscribe: signRecordLink(keys, 'unsubscribe', { linkId: sub.linkId }),
      };
      const received = sub.sends.length;
      if (i % 9 === day % 9 && received >= 3 && i % 2 === 0) await unsubscribeByToken(deps, links.unsubscribe);
      else if (i === day * 3 + 1) await changePreferences(deps, links.preferences, { action: 'pause' });
      else if (i === 17 && day === 6) await changePreferences(deps, links.preferences, { action: 'restart' });
      else if (received > 0 && (i + day) % 4 === 0) {
        const helpful = signLink(deps.config.keys, 'helpful', Buffer.concat([Buffer.from(sub.linkId, 'base64url'), Buffer.from(sub.linkSecret ?? '', 'base64url'), Buffer.from([received, i % 3 ? 1 : 0])]));
        const comment = i % 5 === 0 ? ['This one landed. I wrote the list and kept it by my bed.', 'Hard to read today, but I did the step.', 'Too long for a workday morning.'][i % 3] : undefined;
        await castVote(deps, helpful, i % 3 ? 'yes' : 'no', comment);
      }
    }
  }
  await stack.deps.health.add(clock.now().toISOString().slice(0, 10), { sends: 320, lessonBounces: 2, otherBounces: 1, otherComplaints: 1 });
}

beforeAll(async () => {
  stack = await startApp('2026-11-16T14:00:00Z', { AUTHOR_EMAIL: AUTHOR, AUTHOR_TIMEZONE: 'Europe/London' });
  await seedCourse();
  browser = await openBrowser();
}, 180_000);

afterAll(async () => {
  if (browser) console.log(summary(browser.reports, browser.folder));
  await browser?.close();
  await stack?.stop();
});

const heading = () => browser.page.getByRole('heading', { level: 1 }).textContent();

describe('the author in a browser', () => {
  it('asks for a sign-in link, gets the neutral answer, and signs in from the email', async () => {
    const { page, checkpoint, navigation } = browser;
    await checkpoint('console-signed-out', await page.goto(`${stack.baseUrl}/admin`));
    expect(await heading()).toBe('The author’s console');
    await page.getByLabel('Your email address').fill(AUTHOR);
    const asked = await navigation(() => page.getByRole('button', { name: 'Email me a sign-in link' }).click());
    expect(await page.getByRole('status').textContent()).toContain('If that is the author’s address, a sign-in link is on its way.');
    await checkpoint('console-link-sent', asked);
    const mail = await waitForMail(AUTHOR, (m) => m.subject === 'Your sign-in link to the Let Go console');
    const link = /http:\/\/127\.0\.0\.1:\d+\/admin\/sign-in\?t=[\w.-]+/.exec(mail.body.text ?? '')?.[0] ?? '';
    await checkpoint('console-sign-in', await page.goto(link));
    const overview = await navigation(() => page.getByRole('button', { name: 'Sign in' }).click());
    expect(await heading()).toBe('Your course');
    await checkpoint('console-overview', overview);
  });

  it('shows the funnel, the cohorts and a reader, and signs out', async () => {
    const { page, checkpoint, navigation } = browser;
    const funnel = await navigation(() => page.getByRole('link', { name: 'Funnel' }).click());
    expect(await heading()).toBe('Where readers leave');
    expect(await page.getByRole('table').first().textContent()).toContain('Reached');
    await checkpoint('console-funnel', funnel);
    const cohorts = await navigation(() => page.getByRole('link', { name: 'Cohorts' }).click());
    expect(await heading()).toBe('Cohorts');
    await checkpoint('console-cohorts', cohorts);
    await navigation(() => page.getByRole('link', { name: 'Reader lookup' }).click());
    await page.getByLabel('Email address').fill('reader1@example.com');
    const found = await navigation(() => page.getByRole('button', { name: 'Look up' }).click());
    expect(await page.textContent('main')).toContain('SES MessageId');
    await checkpoint('console-reader', found);
    const out = await navigation(() => page.getByRole('button', { name: 'Sign out' }).click());
    expect(await page.getByRole('status').textContent()).toBe('You are signed out.');
    await checkpoint('console-signed-out-again', out);
    expect((await page.goto(`${stack.baseUrl}/admin/funnel`))?.status()).toBe(401);
  });

  it('a reader answers "was today’s step helpful?" from a lesson\'s link: a page, then the answer on its button', async () => {
    const { page, checkpoint, navigation } = browser;
    const sub = await stack.deps.store.get('reader2@example.com');
    if (!sub?.linkId || !sub.linkSecret) throw new Error('no reader to answer');
    const token = signLink(stack.deps.config.keys, 'helpful', Buffer.concat([Buffer.from(sub.linkId, 'base64url'), Buffer.from(sub.linkSecret, 'base64url'), Buffer.from([2, 0])]));
    await checkpoint('helpful-question', await page.goto(`${stack.baseUrl}/helpful?t=${token}`));
    expect(await page.getByLabel('Not really').isChecked()).toBe(true);
    await page.getByLabel('Yes').check();
    await page.getByLabel('Anything to add?').fill('The breathing part helped on the bus.');
    const thanks = await navigation(() => page.getByRole('button', { name: 'Send my answer' }).click());
    expect(await heading()).toBe('Thank you');
    await checkpoint('helpful-thanks', thanks);
    expect(await stack.deps.votes?.get(sub.linkId, 2)).toMatchObject({ choice: 'yes', comment: 'The breathing part helped on the bus.' });
  });

  it('never requested anything outside this machine', () => {
    expect(browser.offsite).toEqual([]);
  });
});
