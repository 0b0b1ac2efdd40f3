import { describe, expect, it } from 'vitest';
import { createToken } from '../../functions/core/tokens.js';
import { httpHarness, parseMail, TEST_KEYS } from '../support/fixtures.js';

/**
 * The ex with a forwarded email. Preferences links belong to the current
 * subscription only; unsubscribe links work for the address for good; the
 * data itself only through a link emailed at that moment (privacy.test.ts).
 */
const NOW = '2026-12-01T12:00:00.000Z';
const EMAIL = 'reader@example.com';

async function confirmedReader() {
  const h = httpHarness(NOW);
  await h.form('/subscribe', { email: EMAIL, first_name: 'Ann' });
  const { confirm } = await h.lastMail();
  await h.form('/confirm', { t: confirm! });
  // The reader's first already-enrolled email carries their preferences link, as a lesson does.
  h.clock.advance(11 * 60_000);
  await h.form('/subscribe', { email: EMAIL });
  const { preferences, unsubscribe } = await h.lastMail();
  return { h, preferences: preferences!, unsubscribe: unsubscribe! };
}

const stalePage = async (res: Response) => {
  expect(res.status).toBe(410);
  const page = await res.text();
  expect(page).toContain('no longer valid');
  expect(page).toContain('latest email');
  expect(page).not.toContain('Ann');
};

describe('the ex with a forwarded email', () => {
  it('an old preferences link dies when the reader signs up again; the old unsubscribe link still works', async () => {
    const { h, preferences, unsubscribe } = await confirmedReader();
    expect((await h.app.request(`/preferences?t=${preferences}`)).status).toBe(200);
    await h.form('/unsubscribe', { t: unsubscribe });
    h.clock.advance(11 * 60_000);
    await h.form('/subscribe', { email: EMAIL });
    const fresh = await h.lastMail();
    await h.form('/confirm', { t: fresh.confirm! });
    await stalePage(await h.app.request(`/preferences?t=${preferences}`));
    const change = await h.form('/preferences', { t: preferences, action: 'pause' });
    await stalePage(change);
    expect(h.store.all()[0]?.status).toBe('active');
    // RFC 8058 clients keep the header of an old email: it still unsubscribes the address.
    const oneClick = await h.form(`/unsubscribe?t=${unsubscribe}`, { 'List-Unsubscribe': 'One-Click' });
    expect(oneClick.status).toBe(200);
    expect(h.store.all()[0]?.status).toBe('unsubscribed');
  });

  it('"Sign out all older links" kills every earlier preferences link; the page goes on with a new one', async () => {
    const { h, preferences } = await confirmedReader();
    const res = await h.form('/preferences', { t: preferences, action: 'sign-out' });
    expect(res.status).toBe(303);
    const next = new URL(res.headers.get('location') ?? '', 'https://letgo.test');
    const fresh = next.searchParams.get('t') ?? '';
    expect(fresh).not.toBe(preferences);
    const page = await h.app.request(`${next.pathname}${next.search}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('older preferences link is signed out');
    await stalePage(await h.app.request(`/preferences?t=${preferences}`));
    for (const action of ['restart', 'pause']) await stalePage(await h.form('/preferences', { t: preferences, action }));
    await stalePage(await h.form('/preferences/delete', { t: preferences }));
    // The next email carries the new link.
    h.clock.advance(11 * 60_000);
    await h.form('/subscribe', { email: EMAIL });
    expect((await h.lastMail()).preferences).toBe(fresh);
  });

  it('a link from before compact links (the address inside) opens no preferences at all', async () => {
    const { h } = await confirmedReader();
    const legacy = createToken(TEST_KEYS, { purpose: 'preferences', email: EMAIL });
    const res = await h.app.request(`/preferences?t=${legacy}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await res.text()).not.toContain('Ann');
  });

  it('links are compact: each under 120 characters, the address nowhere in them', async () => {
    const { h } = await confirmedReader();
    for (const captured of h.mailer.sent) {
      const mail = await parseMail(captured.raw);
      const links = (mail.text ?? '').match(/https:\/\/\S+/g) ?? [];
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) {
        // A Lambda Function URL host (<32 characters>.lambda-url.<region>.on.aws) is 50 characters
        // longer than letgo.test: the links must fit even there.
        expect(link.length + 50, link).toBeLessThan(120);
        expect(link).not.toMatch(/reader|example/i);
      }
    }
  });
});
