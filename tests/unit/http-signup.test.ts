import { beforeEach, describe, expect, it } from 'vitest';
import { httpHarness } from '../support/fixtures.js';

/** The sign-up form over HTTP: the page, POST /subscribe for every state, bad input, odd requests. */
const NOW = '2026-12-01T12:00:00.000Z';
const EMAIL = 'reader@example.com';
const FORM = { email: '  Reader@Example.COM ', first_name: 'Ann', send_hour: '7', timezone: 'Europe/Berlin', website: '', form_version: '1' };
const JSON_BODY = { email: 'READER@example.com', first_name: 'Ann', send_hour: 7, timezone: 'Europe/Berlin' };
const TEN_MINUTES = 10 * 60 * 1000;

let h: ReturnType<typeof httpHarness>;
beforeEach(() => {
  h = httpHarness(NOW);
});

/** Posts the valid form and returns the body, which must be the neutral 200 answer. */
async function subscribe(fields: Record<string, string> = FORM): Promise<string> {
  const res = await h.form('/subscribe', fields);
  expect(res.status).toBe(200);
  const body = await res.text();
  expect(body).toContain('Check your inbox');
  return body;
}

const only = () => {
  expect(h.store.all()).toHaveLength(1);
  return h.store.all()[0]!;
};

/** Checks the last mail sent is a well-formed confirmation to EMAIL. */
async function expectConfirmationMail() {
  const { to, mail, confirm, unsubscribe } = await h.lastMail();
  expect(to).toBe(EMAIL);
  expect(mail.subject).toMatch(/confirm/i);
  expect(mail.text).toContain('https://letgo.test/confirm?t=');
  expect(mail.html).toContain('https://letgo.test/confirm?t=');
  expect(confirm).toBeTruthy();
  expect(unsubscribe).toBeTruthy();
  expect(`${confirm}${unsubscribe}`).not.toMatch(/reader|example/i); // the address never shows in a URL
  // Unfolded: a long header is folded over lines (RFC 5322), List-Unsubscribe between its two addresses.
  const header = (key: string) => mail.headerLines.find((line) => line.key === key)?.line.replace(/\r?\n(?=[ \t])/g, '') ?? '';
  expect(header('list-unsubscribe')).toMatch(/^List-Unsubscribe: <https:\/\/letgo\.test\/unsubscribe\?t=[\w.-]+>, <mailto:[^>]+>$/);
  expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  return { mail, confirm: confirm! };
}

describe('GET /', () => {
  it('serves the accessible sign-up form with the security headers', async () => {
    const res = await h.app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<form[^>]+method="post" action="\/subscribe"/);
    for (const field of ['email', 'first_name', 'send_hour']) {
      expect(html).toMatch(new RegExp(`<(input|select) id="${field}" name="${field}"`));
      expect(html).toContain(`<label for="${field}">`);
    }
    expect(html).toMatch(/<input type="hidden" id="timezone" name="timezone"/);
    expect(html).toMatch(/<input id="website" name="website"/);
    expect(h.store.all()).toEqual([]);
    expect(h.mailer.sent).toEqual([]);
  });
});

describe('POST /subscribe: happy paths', () => {
  it('form: neutral page, a pending record with consent, one confirmation mail', async () => {
    await subscribe();
    expect(only()).toMatchObject({
      email: EMAIL,
      status: 'pending',
      firstName: 'Ann',
      sendHour: 7,
      timezone: 'Europe/Berlin',
      consent: { at: NOW, ip: '203.0.113.7', userAgent: 'test-agent/1.0', formVersion: '1' },
    });
    expect(only().due).toBeUndefined();
    expect(h.mailer.sent).toHaveLength(1);
    const { mail } = await expectConfirmationMail();
    // Not greeted by name: until the address confirms, the name is whatever anyone typed.
    expect(mail.text).toContain('Hi,');
    expect(`${mail.text}${mail.html}`).not.toContain('Ann');
  });

  it('JSON: neutral JSON answer, a pending record, one confirmation mail', async () => {
    const res = await h.json('/subscribe', JSON_BODY);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, message: expect.stringContaining('Check your inbox') });
    expect(only()).toMatchObject({ email: EMAIL, status: 'pending', sendHour: 7, consent: { at: NOW, formVersion: 'json-1' } });
    expect(h.mailer.sent).toHaveLength(1);
    await expectConfirmationMail();
  });

  it('refuses markup in a first name with a message on the field; nothing stored or sent', async () => {
    const res = await h.form('/subscribe', { ...FORM, first_name: '<script>alert(1)</script>' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Use letters for your first name');
    expect(h.store.all()).toHaveLength(0);
    expect(h.mailer.sent).toHaveLength(0);
  });
});

describe('POST /subscribe: the same answer whatever the state', () => {
  it('pending: resends the confirmation only after 10 minutes', async () => {
    const neutral = await subscribe();
    expect(await subscribe()).toBe(neutral);
    h.clock.advance(TEN_MINUTES - 1000);
    expect(await subscribe()).toBe(neutral);
    expect(h.mailer.sent).toHaveLength(1);
    h.clock.advance(1000);
    expect(await subscribe()).toBe(neutral);
    expect(h.mailer.sent).toHaveLength(2);
    await expectConfirmationMail();
    expect(only().status).toBe('pending');
  });

  it('active: at most one "already enrolled" mail per 10 minutes', async () => {
    const neutral = await subscribe();
    const { confirm } = await expectConfirmationMail();
    expect((await h.form('/confirm', { t: confirm })).status).toBe(200);
    const active = only();
    h.clock.advance(TEN_MINUTES);
    expect(await subscribe()).toBe(neutral);
    expect(await subscribe()).toBe(neutral);
    expect(h.mailer.sent).toHaveLength(2);
    const { to, mail, confirm: noConfirm, preferences } = await h.lastMail();
    expect([to, mail.subject]).toEqual([EMAIL, expect.stringMatching(/already enrolled/i)]);
    expect([noConfirm, typeof preferences]).toEqual([undefined, 'string']);
    h.clock.advance(TEN_MINUTES);
    expect(await subscribe()).toBe(neutral);
    expect(h.mailer.sent).toHaveLength(3);
    expect(only()).toMatchObject({ status: 'active', nextDay: 1, due: active.due, optinId: active.optinId });
  });

  it('completed: sends the "complete" email', async () => {
    const neutral = await subscribe();
    await h.store.put({ ...only(), status: 'completed' }, only().version);
    h.clock.advance(TEN_MINUTES);
    expect(await subscribe()).toBe(neutral);
    expect(h.mailer.sent).toHaveLength(2);
    expect((await h.lastMail()).mail.subject).toMatch(/finished/i);
    expect(only().status).toBe('completed');
  });

  it('suppressed: sends nothing', async () => {
    const neutral = await subscribe();
    await h.store.put({ ...only(), status: 'suppressed' }, only().version);
    const before = only();
    h.clock.advance(TEN_MINUTES);
    expect(await subscribe()).toBe(neutral);
    expect(h.mailer.sent).toHaveLength(1);
    expect(only()).toEqual(before);
  });

  it('JSON clients get one identical answer too', async () => {
    const answer = async () => {
      const res = await h.json('/subscribe', JSON_BODY);
      expect(res.status).toBe(200);
      return res.text();
    };
    const neutral = await answer();
    expect(await answer()).toBe(neutral);
    await h.store.put({ ...only(), status: 'suppressed' }, only().version);
    expect(await answer()).toBe(neutral);
  });

  it('a filled honeypot gets the neutral answer, and nothing is stored or sent', async () => {
    const bot = await subscribe({ ...FORM, website: 'https://spam.example' });
    expect(h.store.all()).toEqual([]);
    expect(h.mailer.sent).toEqual([]);
    expect(await subscribe()).toBe(bot);
  });
});

describe('POST /subscribe: invalid input', () => {
  const longEmail = `${'a'.repeat(64)}@${`${'b'.repeat(60)}.`.repeat(3)}example.com`; // 259 chars, well formed
  const cases: [string, Record<string, unknown>, string][] = [
    ['an invalid email', { email: 'not-an-email' }, 'email'],
    ['an empty email', { email: '' }, 'email'],
    ['a missing email', { email: undefined }, 'email'],
    ['an email over 254 chars', { email: longEmail }, 'email'],
    ['a header injection in the email', { email: 'a@example.com\r\nBcc: x@evil.test' }, 'email'],
    ['a first name over 60 chars', { first_name: 'x'.repeat(61) }, 'first_name'],
    ['a first name over 60 chars once normalised (U+0958 is two code points in NFC)', { first_name: '\u0958'.repeat(31) }, 'first_name'],
    ['a letter under a pile of combining marks', { first_name: `A${'\u0301'.repeat(6)}nn` }, 'first_name'],
    ['CR/LF in the first name', { first_name: 'Ann\r\nBcc: x@evil.test' }, 'first_name'],
    ['NUL in the first name', { first_name: 'An\u0000n' }, 'first_name'],
    ['BEL in the first name', { first_name: 'An\u0007n' }, 'first_name'],
    ['U+2028 in the first name', { first_name: 'An\u2028n' }, 'first_name'],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'timezone'],
    ['send_hour 24', { send_hour: '24' }, 'send_hour'],
    ['send_hour -1', { send_hour: '-1' }, 'send_hour'],
    ['send_hour abc', { send_hour: 'abc' }, 'send_hour'],
  ];
  const formOf = (change: Record<string, unknown>) =>
    Object.fromEntries(Object.entries({ ...FORM, ...change }).filter(([, v]) => v !== undefined)) as Record<string, string>;

  it.each(cases)('form with %s: 400, the form again with a message on that field', async (_name, change, field) => {
    const res = await h.form('/subscribe', formOf(change));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/action="\/subscribe"/);
    expect(html).toMatch(new RegExp(`<p class="error" id="${field}-error">[^<]+</p>`));
    expect(html).not.toContain('Check your inbox');
    expect(h.store.all()).toEqual([]);
    expect(h.mailer.sent).toEqual([]);
  });

  it.each([...cases, ['send_hour 24 as a number', { send_hour: 24 }, 'send_hour'], ['send_hour -1 as a number', { send_hour: -1 }, 'send_hour']] as typeof cases)(
    'JSON with %s: 400 JSON with fields.%s',
    async (_name, change, field) => {
      const res = await h.json('/subscribe', { ...JSON_BODY, ...change });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: string; fields: Record<string, string> };
      expect(body.error).toBe('invalid-input');
      expect(body.fields[field]).toEqual(expect.any(String));
      expect(h.store.all()).toEqual([]);
      expect(h.mailer.sent).toEqual([]);
    },
  );

  it('re-renders typed values escaped, never as markup', async () => {
    const res = await h.form('/subscribe', { ...FORM, email: '<script>alert(1)</script>', first_name: '"><script>alert(2)</script>' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"');
    expect(h.store.all()).toEqual([]);
  });
});

describe('POST /subscribe: malformed requests', () => {
  const post = (type: string | undefined, body: string, accept = 'application/json') =>
    h.app.request('/subscribe', { method: 'POST', headers: { ...(type ? { 'content-type': type } : {}), accept }, body });

  it.each([
    ['broken JSON', 'application/json', '{"email": "a@example.com"', 400, 'invalid-input'],
    ['a JSON array', 'application/json', JSON.stringify([JSON_BODY]), 400, 'invalid-input'],
    ['JSON null', 'application/json', 'null', 400, 'invalid-input'],
    ['text/plain', 'text/plain', 'email=a@example.com', 415, 'unsupported-media-type'],
    ['application/xml', 'application/xml', '<email>a@example.com</email>', 415, 'unsupported-media-type'],
    ['no content type', undefined, 'email=a@example.com', 415, 'unsupported-media-type'],
    ['a JSON body over 16 KB', 'application/json', JSON.stringify({ ...JSON_BODY, website: 'x'.repeat(17_000) }), 413, 'payload-too-large'],
    ['a form body over 16 KB', 'application/x-www-form-urlencoded', `email=a%40example.com&website=${'x'.repeat(17_000)}`, 413, 'payload-too-large'],
  ] as const)('%s: a clear %i JSON error', async (_name, type, body, status, error) => {
    const res = await post(type, body);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error, message: expect.any(String) });
    expect(h.store.all()).toEqual([]);
    expect(h.mailer.sent).toEqual([]);
  });

  it('a browser gets a page for 415 and 413', async () => {
    const unsupported = await post('text/plain', 'hello', 'text/html');
    expect(unsupported.status).toBe(415);
    expect(await unsupported.text()).toContain('Unsupported request');
    const big = await post('application/x-www-form-urlencoded', `email=a%40example.com&first_name=${'x'.repeat(17_000)}`, 'text/html');
    expect(big.status).toBe(413);
    expect(await big.text()).toContain('Too much data');
    expect(h.store.all()).toEqual([]);
  });
});

describe('other routes', () => {
  it('GET /health answers JSON', async () => {
    const res = await h.app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('an unknown path is a 404 page, or 404 JSON for a JSON client', async () => {
    const page = await h.app.request('/nope');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('Page not found');
    const json = await h.app.request('/nope', { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    expect(await json.json()).toMatchObject({ error: 'not-found' });
  });

  it('never answers 5xx to an empty request on any route and method', async () => {
    const paths = ['/', '/subscribe', '/confirm', '/unsubscribe', '/preferences', '/health', '/nope'];
    const types = [undefined, 'application/x-www-form-urlencoded', 'application/json', 'multipart/form-data'];
    for (const path of paths) {
      for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
        for (const type of method === 'GET' ? [undefined] : types) {
          const headers: Record<string, string> = type ? { 'content-type': type } : {};
          const init: RequestInit = method === 'GET' ? {} : { method, body: '', headers };
          const res = await h.app.request(path, init);
          expect(res.status, `${method} ${path} ${type ?? ''}`).toBeLessThan(500);
        }
      }
    }
    expect(h.store.all()).toEqual([]);
    expect(h.mailer.sent).toEqual([]);
  });
});
