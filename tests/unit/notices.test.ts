import { describe, expect, it } from 'vitest';
import { MailerError, type Mailer } from '../../functions/ports.js';
import { httpHarness } from '../support/fixtures.js';

/** The notice worker's promises to a person who signs up (issue: a bad day at AWS, item 4). */
const NOW = '2026-12-01T12:00:00.000Z';
const DAY = 24 * 60 * 60_000;

describe('confirmation emails', () => {
  it('a confirmation SES refused gives the slot back: the retry a minute later gets the email', async () => {
    const h = httpHarness(NOW);
    const real = h.deps.mailer.send.bind(h.deps.mailer);
    let refuse = true;
    const mailer: Mailer = {
      async send(message) {
        if (refuse) throw new MailerError('rejected', 'Address blacklisted.');
        return real(message);
      },
    };
    h.deps.mailer = mailer;
    await h.form('/subscribe', { email: 'reader@example.com' });
    expect(h.mailer.sent).toHaveLength(0);
    refuse = false;
    h.clock.advance(60_000);
    await h.form('/subscribe', { email: 'reader@example.com' });
    expect(h.mailer.sent.map((mail) => mail.to)).toEqual(['reader@example.com']);
  });

  it('a re-sent confirmation keeps its promise of 7 days, for the first link too', async () => {
    const h = httpHarness(NOW);
    await h.form('/subscribe', { email: 'reader@example.com' });
    const first = (await h.lastMail()).confirm!;
    h.clock.advance(6 * DAY);
    await h.form('/subscribe', { email: 'reader@example.com' });
    const second = (await h.lastMail()).confirm!;
    expect(h.mailer.sent).toHaveLength(2);
    // Day 12: past the first email's 7 days, within the second's.
    h.clock.advance(6 * DAY);
    const res = await h.form('/confirm', { t: second });
    expect(res.status).toBe(200);
    expect(h.store.all()[0]?.status).toBe('active');
    expect(first).toBe(second); // one opt-in, one link: the later email promised the same link more time
  });

  it('an expired sign-up gets a fresh confirmation from the expired link, and the new link works', async () => {
    const h = httpHarness(NOW);
    await h.form('/subscribe', { email: 'reader@example.com' });
    const first = (await h.lastMail()).confirm!;
    h.clock.advance(8 * DAY);
    const expired = await h.app.request(`/confirm?t=${first}`);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('Send me a fresh confirmation email');
    await h.form('/confirm/resend', { t: first });
    const fresh = (await h.lastMail()).confirm!;
    expect(fresh).not.toBe(first);
    expect((await h.form('/confirm', { t: fresh })).status).toBe(200);
    expect(h.store.all()[0]?.status).toBe('active');
    // The old one now answers as any replaced link does: it says nothing of the address.
    expect((await h.form('/confirm', { t: first })).status).toBe(410);
  });

  it('an emailed data link lasts 30 real minutes on the fast local clock too', async () => {
    const h = httpHarness(NOW);
    (h.deps.clock as { speed?: number }).speed = 1440;
    await h.json('/subscribe', { email: 'reader@example.com' });
    await h.form('/confirm', { t: (await h.lastMail()).confirm! });
    h.clock.advance(11 * 60_000 * 1440);
    await h.json('/subscribe', { email: 'reader@example.com' });
    await h.form('/preferences/export', { t: (await h.lastMail()).preferences! });
    const link = (await h.lastMail()).data!;
    h.clock.advance(29 * 60_000 * 1440); // 29 real minutes: 29 simulated days
    expect((await h.app.request(`/data?t=${link}`)).status).toBe(200);
    h.clock.advance(2 * 60_000 * 1440);
    expect((await h.app.request(`/data?t=${link}`)).status).toBe(410);
  });
});

describe('the author\'s sign-in link (a notice of its own)', () => {
  it('goes only to AUTHOR_EMAIL, the same link however often SQS delivers the job, and counts for the breaker', async () => {
    const { processNotice } = await import('../../functions/services/notices.js');
    const { createMemoryHealthStore } = await import('../../functions/adapters/health-stores.js');
    const h = httpHarness(NOW);
    const health = createMemoryHealthStore();
    const deps = { ...h.deps, health };
    const job = { id: 'job-1', at: NOW, kind: 'signin' as const, email: 'Author@letgo.test' };
    expect(await processNotice(deps, job)).toBe('sent');
    expect(await processNotice(deps, job)).toBe('sent'); // a redelivery: the same single-use link again
    const links = h.mailer.sent.map((mail) => /\/admin\/sign-in\?t=([\w.-]+)/.exec(mail.raw.replace(/=\r\n/g, ''))?.[1]);
    expect(h.mailer.sent.map((mail) => mail.to)).toEqual(['author@letgo.test', 'author@letgo.test']);
    expect(links[0]).toBeDefined();
    expect(links[1]).toBe(links[0]);
    expect(await processNotice(deps, { ...job, id: 'job-2', email: 'someone@example.com' })).toBe('nothing-to-send');
    expect(h.mailer.sent).toHaveLength(2);
    expect((await health.read([NOW.slice(0, 10)]))[0]?.sends).toBe(2);
    expect(h.store.all()).toEqual([]); // no reader's record is made for it
  });
});
