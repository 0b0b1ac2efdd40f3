import { describe, expect, it } from 'vitest';
import { activate, newPending } from '../../functions/core/subscriber.js';
import { createToken } from '../../functions/core/tokens.js';
import { httpHarness, TEST_KEYS } from '../support/fixtures.js';

/** A reader's data rights from the preferences page: download everything, or erase it for good. */
const EMAIL = 'reader@example.com';
const token = createToken(TEST_KEYS, { purpose: 'preferences', email: EMAIL });
const consent = { at: '2026-12-01T12:00:00.000Z', ip: '203.0.113.7', userAgent: 'test-agent/1.0', formVersion: '1' };

async function enrolled() {
  const h = httpHarness('2026-12-01T12:00:00.000Z');
  const pending = newPending({ email: EMAIL, firstName: 'Ann', timezone: 'Europe/Berlin', sendHour: 7, consent }, 'optin', h.clock.now(), 0);
  await h.store.put(activate(pending, h.clock.now()), null);
  return h;
}

describe('privacy', () => {
  it('downloads every field we hold, with the consent record, as a JSON attachment', async () => {
    const h = await enrolled();
    const res = await h.form('/preferences/export', { t: token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const data = await res.json();
    expect(data.subscriber).toMatchObject({ email: EMAIL, firstName: 'Ann', status: 'active', consent, lessonsSent: [] });
    expect(JSON.stringify(data)).not.toContain('version');
  });

  it('deletes in two steps: a page that asks, then the erase', async () => {
    const h = await enrolled();
    const ask = await h.form('/preferences/delete', { t: token });
    expect(await ask.text()).toContain('Yes, delete everything');
    expect(h.store.all()).toHaveLength(1);
    const done = await h.form('/preferences/delete?confirm=yes', { t: token });
    expect(done.status).toBe(200);
    expect(h.store.all()).toHaveLength(0);
    // Links keep answering sensibly afterwards.
    expect((await h.app.request(`/preferences?t=${token}`)).status).toBe(410);
    const unsubscribe = createToken(TEST_KEYS, { purpose: 'unsubscribe', email: EMAIL });
    expect((await h.form(`/unsubscribe?t=${unsubscribe}`, { 'List-Unsubscribe': 'One-Click' })).status).toBe(200);
    expect(h.store.all()).toHaveLength(0);
  });

  it('needs a preferences token: other tokens and forgeries change nothing', async () => {
    const h = await enrolled();
    const unsubscribe = createToken(TEST_KEYS, { purpose: 'unsubscribe', email: EMAIL });
    for (const t of [unsubscribe, 'v1.k2.forged', '']) {
      expect((await h.form('/preferences/delete?confirm=yes', { t })).status).toBe(400);
      expect((await h.form('/preferences/export', { t })).status).toBe(400);
    }
    expect(h.store.all()).toHaveLength(1);
  });
});
