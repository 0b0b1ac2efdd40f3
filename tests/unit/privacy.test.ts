import { describe, expect, it } from 'vitest';
import { activate, newPending } from '../../functions/core/subscriber.js';
import { createToken } from '../../functions/core/tokens.js';
import { httpHarness, linksOf, putLinked, TEST_KEYS, testLinkIds } from '../support/fixtures.js';

/**
 * A reader's data rights. The preferences page only asks: the download or the
 * erase happens through a link emailed to the address at that moment (single
 * use, 30 minutes), so a forwarded lesson alone never yields or erases the data.
 */
const EMAIL = 'reader@example.com';
const { preferences: token, unsubscribe } = linksOf(testLinkIds());
const consent = { at: '2026-12-01T12:00:00.000Z', ip: '203.0.113.7', userAgent: 'test-agent/1.0', formVersion: '1' };

async function enrolled() {
  const h = httpHarness('2026-12-01T12:00:00.000Z');
  const pending = newPending({ email: EMAIL, firstName: 'Ann', timezone: 'Europe/Berlin', sendHour: 7, consent }, 'optin', h.clock.now(), 0, testLinkIds());
  await putLinked(h.store, activate(pending, h.clock.now()));
  return h;
}

/** Asks from the preferences page, and returns the link that arrived by email. */
async function emailedLink(h: Awaited<ReturnType<typeof enrolled>>, action: 'export' | 'delete') {
  const asked = await h.form(`/preferences/${action}`, { t: token });
  expect(asked.status).toBe(200);
  const page = await asked.text();
  expect(page).toContain('r***@example.com');
  expect(page).not.toContain('Ann'); // the page itself gives nothing away
  const { to, data, mail } = await h.lastMail();
  expect(to).toBe(EMAIL);
  expect(mail.subject).toMatch(action === 'export' ? /download/i : /delete/i);
  return data!;
}

describe('privacy', () => {
  it('downloads every field we hold through the emailed link, once', async () => {
    const h = await enrolled();
    const link = await emailedLink(h, 'export');
    const page = await h.app.request(`/data?t=${link}`);
    expect(await page.text()).toContain('Download my data');
    const res = await h.form('/data', { t: link });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const data = await res.json();
    expect(data.subscriber).toMatchObject({ email: EMAIL, firstName: 'Ann', status: 'active', consent, lessonsSent: [] });
    // What the abuse limits hold for the address is part of the export (under a keyed hash).
    expect(data.rateLimitCounters.map((c: { counter: string }) => c.counter)).toContain('data');
    expect(JSON.stringify(data)).not.toContain('version');
    // Single use.
    expect((await h.form('/data', { t: link })).status).toBe(410);
  });

  it('an emailed link dies after 30 minutes', async () => {
    const h = await enrolled();
    const link = await emailedLink(h, 'delete');
    h.clock.advance(30 * 60_000);
    expect((await h.app.request(`/data?t=${link}`)).status).toBe(410);
    expect((await h.form('/data', { t: link })).status).toBe(410);
    expect(h.store.all()).toHaveLength(1);
  });

  it('deletes through the emailed link: record, link mapping and limiter counters go', async () => {
    const h = await enrolled();
    const link = await emailedLink(h, 'delete');
    expect(h.store.all()).toHaveLength(1); // asking changed nothing
    const ask = await h.app.request(`/data?t=${link}`);
    expect(await ask.text()).toContain('Yes, delete everything');
    const done = await h.form('/data', { t: link });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Your data is deleted');
    expect(h.store.all()).toHaveLength(0);
    expect(await h.store.resolveLink(testLinkIds().linkId)).toBeUndefined();
    // Links keep answering sensibly afterwards.
    const stale = await h.app.request(`/preferences?t=${token}`);
    expect(stale.status).toBe(410);
    expect(await stale.text()).toContain('Preferences link at the bottom of your latest email');
    expect((await h.form(`/unsubscribe?t=${unsubscribe}`, { 'List-Unsubscribe': 'One-Click' })).status).toBe(200);
    expect(h.store.all()).toHaveLength(0);
  });

  it('needs a preferences token: other tokens and forgeries change nothing and send nothing', async () => {
    const h = await enrolled();
    const old = createToken(TEST_KEYS, { purpose: 'preferences', email: EMAIL });
    for (const t of [unsubscribe, old, 'k2.forged', '']) {
      expect((await h.form('/preferences/delete', { t })).status).toBeGreaterThanOrEqual(400);
      expect((await h.form('/preferences/export', { t })).status).toBeGreaterThanOrEqual(400);
      expect((await h.form('/data', { t })).status).toBeGreaterThanOrEqual(400);
    }
    expect(h.store.all()).toHaveLength(1);
    expect(h.mailer.sent).toHaveLength(0);
  });
});
