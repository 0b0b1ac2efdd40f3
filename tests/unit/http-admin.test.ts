import { beforeEach, describe, expect, it } from 'vitest';
import { signLink } from '../../functions/core/link-tokens.js';
import { signInUrl, sessionCookie } from '../../functions/services/author.js';
import { httpHarness, linksOf, parseMail, TEST_KEYS, testConfig } from '../support/fixtures.js';

/**
 * The author's sign-in (issue 13): a link emailed to AUTHOR_EMAIL, single use
 * and 15 minutes; a session cookie; a CSRF token on every console POST. Every
 * way in that is not the author's is refused, and never with a 5xx.
 */
const NOW = '2026-12-07T09:00:00.000Z';
let h: ReturnType<typeof httpHarness>;
beforeEach(() => {
  h = httpHarness(NOW);
});

const COOKIE = '__Host-letgo-author'; // testConfig's base URL is https
const get = (path: string, cookie?: string) => h.app.request(path, { headers: cookie ? { cookie: `${COOKIE}=${cookie}` } : {} });
const post = (path: string, fields: Record<string, string>, cookie?: string) =>
  h.form(path, fields, cookie ? { cookie: `${COOKIE}=${cookie}` } : {});

/** Asks for a link as the author; returns the token of the link that arrived. */
async function askForLink(address = 'Author@LetGo.test') {
  const res = await post('/admin/link', { email: address });
  expect(res.status).toBe(200);
  const sent = h.mailer.sent.filter((mail) => mail.to === 'author@letgo.test');
  const mail = await parseMail(sent.at(-1)?.raw ?? '');
  expect(mail.subject).toBe('Your sign-in link to the Let Go console');
  expect(mail.headers.has('list-unsubscribe')).toBe(false);
  const token = /\/admin\/sign-in\?t=([\w.-]+)/.exec(mail.text ?? '')?.[1];
  if (!token) throw new Error('no sign-in link');
  return token;
}

/** Signs in with a fresh link; returns the cookie value and the page's CSRF token. */
async function signIn() {
  const token = await askForLink();
  const res = await post('/admin/sign-in', { t: token });
  expect(res.status).toBe(303);
  const cookie = /__Host-letgo-author=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
  const page = await (await get('/admin', cookie)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  return { cookie, csrf, setCookie: res.headers.get('set-cookie') ?? '' };
}

describe('/admin sign-in', () => {
  it('says how to turn the console on when AUTHOR_EMAIL is not set, and keeps everything else shut', async () => {
    h = httpHarness(NOW, { config: { ...testConfig, author: undefined } });
    const page = await (await get('/admin')).text();
    expect(page).toContain('The author’s console is off');
    expect(page).toContain('AUTHOR_EMAIL=you@example.com npm start');
    expect((await get('/admin/funnel')).status).toBe(404);
    expect((await post('/admin/link', { email: 'author@letgo.test' })).status).toBe(404);
    expect(h.mailer.sent).toHaveLength(0);
  });

  it('emails the author a link that signs in once, with a strict session cookie', async () => {
    expect(await (await get('/admin')).text()).toContain('Email me a sign-in link');
    const token = await askForLink();
    const page = await get(`/admin/sign-in?t=${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<button type="submit">Sign in</button>'); // a GET changes nothing
    const { cookie, csrf, setCookie } = await signIn();
    expect(setCookie).toMatch(/^__Host-letgo-author=[\w.-]+; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    expect(csrf).not.toBe('');
    const overview = await get('/admin', cookie);
    expect(await overview.text()).toContain('<h1>Your course</h1>');
    expect(overview.headers.get('cache-control')).toBe('no-store');
    for (const path of ['/admin/funnel', '/admin/cohorts', '/admin/reader']) expect((await get(path, cookie)).status).toBe(200);
  });

  it('answers any other address the same way and mails nothing', async () => {
    const author = await (await post('/admin/link', { email: 'author@letgo.test' })).text();
    const other = await (await post('/admin/link', { email: 'someone@example.com' })).text();
    expect(other).toBe(author);
    expect(h.mailer.sent.map((mail) => mail.to)).toEqual(['author@letgo.test']);
  });

  it('refuses forged, expired, replayed and other-purpose links, without a 5xx', async () => {
    const token = await askForLink();
    const stranger = { ...TEST_KEYS, keys: new Map([['k2', Buffer.alloc(32, 9)]]) };
    const forged = new URL(signInUrl({ config: { ...testConfig, keys: stranger } }, h.clock.now().getTime())).searchParams.get('t') ?? '';
    const sub = { linkId: 'AAAAAAAAAAA', linkSecret: 'AAAAAAAA' };
    const otherPurpose = [linksOf(sub).preferences, signLink(TEST_KEYS, 'session', Buffer.alloc(12)), signLink(TEST_KEYS, 'form', Buffer.alloc(12))];
    for (const bad of [forged, `${token.slice(0, -3)}AAA`, 'nonsense', '', ...otherPurpose]) {
      expect((await get(`/admin/sign-in?t=${bad}`)).status, bad).toBe(400);
      expect((await post('/admin/sign-in', { t: bad })).status, bad).toBe(400);
    }
    expect((await post('/admin/sign-in', { t: token })).status).toBe(303);
    const replayed = await post('/admin/sign-in', { t: token });
    expect(replayed.status).toBe(410);
    expect(replayed.headers.get('set-cookie')).toBeNull();
    expect(await replayed.text()).toContain('This sign-in link was used already.');
    const late = await askForLink();
    h.clock.advance(15 * 60_000);
    expect((await get(`/admin/sign-in?t=${late}`)).status).toBe(410);
    expect((await post('/admin/sign-in', { t: late })).status).toBe(410);
  });

  it('refuses the console without a session, with a forged, expired or signed-out one, and a POST without its CSRF token', async () => {
    for (const cookie of [undefined, 'nonsense', signLink(TEST_KEYS, 'session', Buffer.alloc(14, 1)), sessionCookie({ config: testConfig }, { id: 'AAAAAAAAAAA', until: Date.parse(NOW) + 60_000 })]) {
      expect((await get('/admin/funnel', cookie)).status).toBe(401);
      expect((await get('/admin/funnel.csv', cookie)).status).toBe(401);
      expect((await post('/admin/reader', { email: 'a@example.com' }, cookie)).status).toBe(401);
      expect((await post('/admin/resume', {}, cookie)).status).toBe(401);
    }
    const first = await signIn();
    const second = await signIn();
    expect((await post('/admin/reader', { email: 'a@example.com' }, first.cookie)).status).toBe(403);
    expect((await post('/admin/reader', { email: 'a@example.com', csrf: second.csrf }, first.cookie)).status).toBe(403);
    expect((await post('/admin/reader', { email: 'a@example.com', csrf: first.csrf }, first.cookie)).status).toBe(200);
    expect((await post('/admin/sign-out', { csrf: first.csrf }, first.cookie)).status).toBe(200);
    expect((await get('/admin/funnel', first.cookie)).status).toBe(401);
    expect((await get('/admin/funnel', second.cookie)).status).toBe(200);
    h.clock.advance(12 * 3_600_000);
    expect((await get('/admin/funnel', second.cookie)).status).toBe(401);
  });

  it('limits sign-in links: 5 an hour to the author, and per network like the form', async () => {
    for (let i = 0; i < 7; i++) await post('/admin/link', { email: 'author@letgo.test' });
    expect(h.mailer.sent).toHaveLength(5);
    let status = 200;
    for (let i = 0; i < 20 && status === 200; i++) status = (await post('/admin/link', { email: 'someone@example.com' })).status;
    expect(status).toBe(429);
  });
});

describe('the console', () => {
  it('looks up one address exactly, shows its sends with their MessageIds, and logs it masked', async () => {
    const { cookie, csrf } = await signIn();
    await h.form('/subscribe', { email: 'ivy.reader@example.com', timezone: 'Asia/Tokyo' });
    const { confirm } = await h.lastMail();
    await h.form('/confirm', { t: confirm ?? '' });
    const found = await (await post('/admin/reader', { email: 'Ivy.Reader@example.com', csrf }, cookie)).text();
    expect(found).toContain('In the course');
    expect(found).toContain('Asia/Tokyo');
    expect(found).toContain('Next: day 1');
    const none = await (await post('/admin/reader', { email: 'ivy@example.com', csrf }, cookie)).text();
    expect(none).toContain('No reader with exactly this address');
    const lookups = h.logs.filter((log) => log.event === 'admin.lookup');
    expect(lookups.map((log) => log.fields)).toEqual([{ email: 'i***@example.com', found: 'record' }, { email: 'i***@example.com', found: 'none' }]);
    expect(JSON.stringify(h.logs)).not.toContain('ivy.reader@example.com');
    expect(JSON.stringify(h.logs)).not.toContain(cookie);
  });

  it('looks up a reader whose stored zone this runtime no longer knows, in UTC and saying so', async () => {
    const { cookie, csrf } = await signIn();
    await h.form('/subscribe', { email: 'old.zone@example.com', timezone: 'Europe/Kyiv' });
    const { confirm } = await h.lastMail();
    await h.form('/confirm', { t: confirm ?? '' });
    const sub = (await h.store.get('old.zone@example.com'))!;
    await h.store.put({ ...sub, timezone: 'Mars/Olympus_Mons' }, sub.version);
    const res = await post('/admin/reader', { email: 'old.zone@example.com', csrf }, cookie);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/Next: day 1, due [^<]*UTC \(their zone, Mars\/Olympus_Mons, is not known here\)/);
    // The reader's own preferences page too.
    const page = await h.app.request(`/preferences?t=${linksOf((await h.store.get('old.zone@example.com'))!).preferences}`);
    expect(page.status).toBe(200);
  });

  it('answers a JSON body whose address is not text with a 400, not a 5xx', async () => {
    const { cookie, csrf } = await signIn();
    for (const email of [{ toString: 1 }, ['ivy@example.com'], 42, null]) {
      const res = await h.app.request('/admin/reader', {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: `${COOKIE}=${cookie}`, origin: 'https://letgo.test' },
        body: JSON.stringify({ csrf, email }),
      });
      expect(res.status, JSON.stringify(email)).toBe(400);
    }
  });

  it('downloads the funnel and the cohorts as CSV, and resumes an open breaker', async () => {
    const { cookie, csrf } = await signIn();
    const csv = await get('/admin/funnel.csv', cookie);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="let-go-funnel.csv"');
    expect((await csv.text()).split('\r\n')[0]).toMatch(/^lesson,subject,reached/);
    expect((await (await get('/admin/cohorts.csv', cookie)).text()).split('\r\n')[0]).toMatch(/^week,confirmed,reached_1/);
    await h.health.saveBreaker({ state: 'open', reason: 'bounce rate 9%', openedAt: NOW, version: 0 }, 0);
    expect(await (await get('/admin', cookie)).text()).toContain('Sending is paused');
    const resumed = await post('/admin/resume', { csrf }, cookie);
    expect(await resumed.text()).toContain('Sending is on again.');
    expect(await h.health.breaker()).toMatchObject({ state: 'closed', resumedAt: NOW });
  });
});
