import { beforeEach, describe, expect, it } from 'vitest';
import { REDUCE_AFTER_MS } from '../../functions/core/subscriber.js';
import { createToken } from '../../functions/core/tokens.js';
import { httpHarness, linksOf, TEST_KEYS } from '../support/fixtures.js';

/** The pages behind emailed links: GET shows a page, POST changes state; bad tokens never do anything. */
const NOW = '2026-12-01T12:00:00.000Z';
const EMAIL = 'reader@example.com';
const FORM = { email: EMAIL, first_name: 'Ann', send_hour: '7', timezone: 'Europe/Berlin', form_version: '1' };

let h: ReturnType<typeof httpHarness>;
beforeEach(() => {
  h = httpHarness(NOW);
});

const only = () => {
  expect(h.store.all()).toHaveLength(1);
  return h.store.all()[0]!;
};

/** Signs up through the form; returns the tokens of the confirmation mail and a preferences token. */
async function signUp() {
  expect((await h.form('/subscribe', FORM)).status).toBe(200);
  const { confirm, unsubscribe } = await h.lastMail();
  const { preferences } = linksOf(only());
  return { confirm: confirm!, unsubscribe: unsubscribe!, preferences };
}

const get = (path: string, token?: string) => h.app.request(token === undefined ? path : `${path}?t=${token}`);
const post = (path: string, token?: string, extra: Record<string, string> = {}) =>
  h.form(path, token === undefined ? extra : { t: token, ...extra });

describe('/confirm', () => {
  it('GET shows a page whose button POSTs the token, and changes nothing', async () => {
    const { confirm } = await signUp();
    const before = h.store.all();
    const res = await get('/confirm', confirm);
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toMatch(/<form class="card" method="post" action="\/confirm">/);
    expect(html).toContain(`<input type="hidden" name="t" value="${confirm}">`);
    expect(h.store.all()).toEqual(before);
    expect(h.mailer.sent).toHaveLength(1);
  });

  it('POST activates with day 1 due now; a second POST is an idempotent success', async () => {
    const { confirm } = await signUp();
    const first = await post('/confirm', confirm);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('You are in');
    const active = only();
    expect(active).toMatchObject({ status: 'active', nextDay: 1, confirmedAt: NOW, dueShard: expect.any(Number) });
    expect(active.due).toBeLessThanOrEqual(h.clock.now().getTime());
    const again = await post('/confirm', confirm);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Already confirmed');
    expect(only()).toEqual(active);
    expect(h.mailer.sent).toHaveLength(1); // day 1 is the drip's job, not the HTTP layer's
  });

  it('a JSON client gets the outcome as JSON', async () => {
    const { confirm } = await signUp();
    const body = async () => (await h.json('/confirm', { t: confirm })).json();
    expect(await body()).toEqual({ ok: true, outcome: 'confirmed' });
    expect(await body()).toEqual({ ok: true, outcome: 'already-confirmed' });
  });

  it('after unsubscribing: 410, and the reader stays unsubscribed', async () => {
    const { confirm, unsubscribe } = await signUp();
    expect((await post('/unsubscribe', unsubscribe)).status).toBe(200);
    const res = await post('/confirm', confirm);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('You have left the course');
    expect(only().status).toBe('unsubscribed');
    expect(h.mailer.sent).toHaveLength(1);
  });
});

describe('/unsubscribe', () => {
  it('GET shows a page and changes nothing', async () => {
    const { unsubscribe } = await signUp();
    const before = h.store.all();
    const res = await get('/unsubscribe', unsubscribe);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/method="post" action="\/unsubscribe"/);
    expect(html).toContain(`value="${unsubscribe}"`);
    expect(h.store.all()).toEqual(before);
  });

  it('POST unsubscribes an active reader and clears the schedule; twice is still 200', async () => {
    const { confirm, unsubscribe } = await signUp();
    await post('/confirm', confirm);
    for (let i = 0; i < 2; i++) {
      const res = await post('/unsubscribe', unsubscribe);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('You are unsubscribed');
      const sub = only();
      expect(sub).toMatchObject({ status: 'unsubscribed', unsubscribedAt: NOW });
      // No lesson to come: the index keeps it only until it is reduced, 30 days after leaving.
      expect([sub.due, sub.nextDay]).toEqual([Date.parse(NOW) + REDUCE_AFTER_MS, undefined]);
    }
    expect(h.mailer.sent).toHaveLength(1);
  });

  it('RFC 8058 one-click: POST to the List-Unsubscribe URL unsubscribes at once, idempotently', async () => {
    const { confirm } = await signUp();
    const { mail } = await h.lastMail();
    await post('/confirm', confirm);
    const header = mail.headerLines.find((line) => line.key === 'list-unsubscribe')!.line;
    const url = new URL(header.match(/<(https:[^>]+)>/)![1]!);
    for (let i = 0; i < 2; i++) {
      const res = await h.app.request(`${url.pathname}${url.search}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(res.status).toBe(200);
      expect(only()).toMatchObject({ status: 'unsubscribed' });
      expect(only().nextDay).toBeUndefined();
    }
    expect(h.mailer.sent).toHaveLength(1);
  });

  it('one-click also works as multipart/form-data', async () => {
    const { unsubscribe } = await signUp();
    const body = new FormData();
    body.set('List-Unsubscribe', 'One-Click');
    expect((await h.app.request(`/unsubscribe?t=${unsubscribe}`, { method: 'POST', body })).status).toBe(200);
    expect(only().status).toBe('unsubscribed');
  });

  it('signing up again after unsubscribing is a new double opt-in; the old confirm link is dead', async () => {
    const old = await signUp();
    await post('/confirm', old.confirm);
    await post('/unsubscribe', old.unsubscribe);
    const { optinId } = only();
    // The form sends an address at most one email per 10 minutes, whatever its state.
    h.clock.advance(10 * 60_000);
    const fresh = await signUp();
    expect(only()).toMatchObject({ status: 'pending', consent: { at: h.clock.now().toISOString() }, sends: [] });
    expect(only().optinId).not.toBe(optinId);
    expect(h.mailer.sent).toHaveLength(2);
    expect(fresh.confirm).not.toBe(old.confirm);
    const stale = await post('/confirm', old.confirm);
    expect(stale.status).toBeGreaterThanOrEqual(400);
    expect(stale.status).toBeLessThan(500);
    expect(only().status).toBe('pending');
    expect((await post('/confirm', fresh.confirm)).status).toBe(200);
    expect(only().status).toBe('active');
  });

  it('a confirm link from an earlier sign-up answers the same whatever the address did since (a forwarded email reports nothing)', async () => {
    const old = await signUp();
    await post('/confirm', old.confirm);
    await post('/unsubscribe', old.unsubscribe);
    h.clock.advance(10 * 60_000);
    const fresh = await signUp();
    const answer = async () => {
      const [page, button] = [await get('/confirm', old.confirm), await post('/confirm', old.confirm)];
      return { get: page.status, post: button.status, body: (await page.text()) + (await button.text()) };
    };
    const pending = await answer();
    await post('/confirm', fresh.confirm);
    const active = await answer();
    await post('/preferences', linksOf(only()).preferences, { action: 'sign-out' });
    const signedOut = await answer();
    await post('/unsubscribe', fresh.unsubscribe);
    const left = await answer();
    expect(pending).toMatchObject({ get: 410, post: 410 });
    expect(pending.body).toContain('a newer email replaced this link');
    expect(pending.body).toContain('Go to the sign-up form');
    for (const later of [active, signedOut, left]) expect(later).toEqual(pending);
  });

  it("an unsubscribe link from before a new sign-up ends only its own subscription, and its page says where the newer link is", async () => {
    const old = await signUp();
    await post('/confirm', old.confirm);
    await h.store.delete(EMAIL); // the reader deleted their data
    h.clock.advance(10 * 60_000);
    const fresh = await signUp();
    await post('/confirm', fresh.confirm);
    const page = await post('/unsubscribe', old.unsubscribe);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Still getting lessons? Each sign-up has its own link: use Unsubscribe in the newest email.');
    expect(only().status).toBe('active');
  });

  it('a sign-up whose record is gone offers the form, not a resend button that would send nothing', async () => {
    const { confirm } = await signUp();
    const sub = only();
    await h.store.delete(sub.email); // as DynamoDB's expiry does to a sign-up never confirmed
    expect(h.store.all()).toHaveLength(0);
    const page = await get('/confirm', confirm);
    expect(page.status).toBe(410);
    const text = await page.text();
    expect(text).not.toContain('Send me a fresh confirmation email');
    expect(text).toContain('Go to the sign-up form');
  });

  it('a suppressed reader is told why the emails stopped, not that they unsubscribed, and is not sent to a form that mails nothing', async () => {
    const { confirm, preferences } = await signUp();
    await post('/confirm', confirm);
    await h.store.put({ ...only(), status: 'suppressed', suppressedReason: 'bounce' }, only().version);
    const page = await (await get('/preferences', preferences)).text();
    expect(page).toContain('Our emails to you have stopped');
    expect(page).not.toContain('You are unsubscribed');
    expect(page).not.toContain('Sign up again');
    const confirmPage = await (await get('/confirm', confirm)).text();
    expect(confirmPage).toContain('could not be delivered');
    expect(confirmPage).not.toContain('You have unsubscribed');
  });
});

describe('/preferences', () => {
  /** A confirmed reader: preferences links only ever go out in lessons. */
  async function confirmed() {
    const tokens = await signUp();
    expect((await post('/confirm', tokens.confirm)).status).toBe(200);
    return tokens;
  }

  it('GET shows the current schedule; POST saves a new one', async () => {
    const { preferences } = await confirmed();
    const page = await get('/preferences', preferences);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<option value="7" selected>07:00</option>');
    const res = await post('/preferences', preferences, { action: 'schedule', send_hour: '20', timezone: 'America/New_York' });
    // Post/redirect/get: the answer is the page again, with a notice, so a reload repeats nothing.
    expect(res.status).toBe(303);
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(/^\/preferences\?t=.+&done=schedule$/);
    expect(await (await h.app.request(location)).text()).toContain('Saved. Your lessons now arrive at 20:00, New York time.');
    expect(only()).toMatchObject({ sendHour: 20, timezone: 'America/New_York' });
    expect(h.mailer.sent).toHaveLength(1);
  });

  it('a POST without the fields does not reset the schedule to 08:00 UTC', async () => {
    const { preferences } = await confirmed();
    const res = await post('/preferences', preferences);
    expect(res.status).toBeLessThan(500);
    expect(only()).toMatchObject({ sendHour: 7, timezone: 'Europe/Berlin' });
  });

  it('a JSON update of the hour alone keeps the time zone', async () => {
    const { preferences } = await confirmed();
    expect((await h.json('/preferences', { t: preferences, send_hour: 5 })).status).toBe(200);
    expect(only()).toMatchObject({ sendHour: 5, timezone: 'Europe/Berlin' });
  });

  it('a pending reader is asked to confirm first', async () => {
    const { preferences } = await signUp();
    expect(await (await get('/preferences', preferences)).text()).toContain('Almost there');
    expect((await post('/preferences', preferences, { action: 'pause' })).status).toBe(409);
  });
});

describe('bad tokens: 4xx, never 5xx, nothing changed', () => {
  const flipMiddle = (token: string) => {
    const i = Math.floor(token.length * 0.6);
    return `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
  };
  type Tokens = Awaited<ReturnType<typeof signUp>>;
  const own = { '/confirm': 'confirm', '/unsubscribe': 'unsubscribe', '/preferences': 'preferences' } as const;
  const other = { '/confirm': 'unsubscribe', '/unsubscribe': 'confirm', '/preferences': 'unsubscribe' } as const;
  const kinds: [string, (tokens: Tokens, path: keyof typeof own) => string | undefined][] = [
    ['forged', () => 'v1.k2.bm90LWEtcmVhbC10b2tlbi1hdC1hbGwtbm90LWEtcmVhbC10b2tlbg'],
    ['random', () => 'R4nd0mStr1ng'],
    ['tampered', (t, path) => flipMiddle(t[own[path]])],
    ['truncated', (t, path) => t[own[path]].slice(0, -6)],
    ['of another purpose', (t, path) => t[other[path]]],
    ['missing', () => undefined],
    ['empty', () => ''],
  ];
  const cases = (['/confirm', '/unsubscribe', '/preferences'] as const).flatMap((path) =>
    (['GET', 'POST'] as const).flatMap((method) => kinds.map(([kind, make]) => [method, path, kind, make] as const)),
  );

  it.each(cases)('%s %s with a %s token', async (method, path, _kind, make) => {
    const tokens = await signUp();
    const before = h.store.all();
    const token = make(tokens, path);
    const res = method === 'GET' ? await get(path, token) : await post(path, token, { send_hour: '20', timezone: 'Asia/Tokyo' });
    expect([400, 410]).toContain(res.status);
    expect(await res.text()).toContain('This link does not work');
    expect(h.store.all()).toEqual(before);
    expect(h.mailer.sent).toHaveLength(1);
  });

  it('a JSON client gets the link error as JSON', async () => {
    await signUp();
    const res = await h.json('/confirm', { t: 'forged' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid-link' });
  });

  it('a confirm token expires after 7 days: 410 on GET and POST, still pending', async () => {
    const { confirm } = await signUp();
    const before = h.store.all();
    h.clock.advance(7 * 24 * 60 * 60 * 1000 + 60_000);
    for (const res of [await get('/confirm', confirm), await post('/confirm', confirm)]) {
      expect(res.status).toBe(410);
      expect(await res.text()).toContain('This link has expired');
    }
    expect(h.store.all()).toEqual(before);
    expect(h.mailer.sent).toHaveLength(1);
  });

  it('an unsubscribe token does not expire', async () => {
    const { unsubscribe } = await signUp();
    h.clock.advance(400 * 24 * 60 * 60 * 1000);
    expect((await post('/unsubscribe', unsubscribe)).status).toBe(200);
    expect(only().status).toBe('unsubscribed');
  });
});
