import { describe, expect, it } from 'vitest';
import { sendDue } from '../../functions/services/send-due.js';
import { httpHarness } from '../support/fixtures.js';

/** Requests nobody meant to send, which must still be answered sensibly (issue 11, items 6 and 7). */
async function reader() {
  const h = httpHarness('2026-12-01T12:00:00.000Z');
  await h.form('/subscribe', { email: 'reader@example.com' });
  await h.form('/confirm', { t: (await h.lastMail()).confirm! });
  await sendDue(h.deps);
  const { preferences, unsubscribe } = await h.lastMail();
  return { h, preferences: preferences!, unsubscribe: unsubscribe! };
}

describe('odd requests', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('a `done` that is not a notice (%s) shows the page with no notice', async (done) => {
    const { h, preferences } = await reader();
    const res = await h.app.request(`/preferences?t=${preferences}&done=${done}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Your preferences');
    expect(page).not.toContain('role="status"');
  });

  it.each([
    ['no body and no content type', undefined, undefined],
    ['text/plain', 'text/plain', 'List-Unsubscribe=One-Click'],
    ['application/octet-stream', 'application/octet-stream', ''],
    ['broken JSON', 'application/json', '{'],
  ])('one-click with %s still unsubscribes', async (_label, type, body) => {
    const { h, unsubscribe } = await reader();
    const res = await h.app.request(`/unsubscribe?t=${unsubscribe}`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body });
    expect(res.status).toBe(200);
    expect(h.store.all()[0]?.status).toBe('unsubscribed');
  });
});
