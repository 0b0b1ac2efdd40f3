import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApp, ROUTES } from '../../functions/http/app.js';
import { activate, newPending } from '../../functions/core/subscriber.js';
import { createToken } from '../../functions/core/tokens.js';
import { formToken } from '../../functions/services/signup.js';
import { linksOf, memoryDeps, putLinked, TEST_KEYS, testLinkIds } from '../support/fixtures.js';

/**
 * Property-based fuzzing of every route: random methods, paths, headers,
 * bodies, encodings and tokens. Whatever comes in: never a 5xx, no stored
 * change from a refused request, nothing reflected unescaped, and no line
 * break smuggled into a mail header.
 */
const RUNS = 6000;
const MARK = '<x-fuzz a="1">';
const READER = 'fuzz.reader@example.com';
const env = memoryDeps('2026-12-01T12:00:00Z');
const app = createApp({ ...env.deps, clientIp: (c) => c.req.header('x-test-ip') ?? '0.0.0.0' });

// Links as emails carry them now, and the version-1 tokens of older emails.
const tokens = [
  ...Object.values(linksOf(testLinkIds())),
  ...(['confirm', 'unsubscribe', 'preferences', 'form'] as const).map((purpose) =>
    createToken(TEST_KEYS, { purpose, email: READER, nonce: 'optin', expiresAt: Date.parse('2026-12-08T00:00:00Z') }),
  ),
];
const tokenArb = fc.oneof(
  fc.constantFrom(...tokens),
  fc.constantFrom(...tokens).map((t) => t.slice(0, -3)),
  fc.tuple(fc.constantFrom(...tokens), fc.nat(150)).map(([t, i]) => `${t.slice(0, i % t.length)}A${t.slice((i % t.length) + 1)}`),
  fc.string({ maxLength: 60 }),
  fc.constant(`v1.k2.${'A'.repeat(60)}`),
);
const nasty = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom(MARK, `a\r\nBcc: victim@example.com`, 'x\u2028y', '\u0000', 'é漢字🙂', '"><script>alert(1)</script>', '%0d%0aX: y'),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const emailArb = fc.oneof(fc.emailAddress(), fc.constant(READER), nasty, fc.emailAddress().map((e) => `${e}\r\nBcc: x@example.com`));
const fieldsArb = fc.record(
  {
    email: emailArb,
    first_name: nasty,
    timezone: fc.oneof(fc.constantFrom('Europe/London', 'Asia/Kathmandu', 'Mars/Olympus', ''), nasty),
    send_hour: fc.oneof(fc.integer({ min: -5, max: 30 }).map(String), nasty),
    website: fc.oneof(fc.constant(''), nasty),
    t: tokenArb,
    action: fc.constantFrom('schedule', 'name', 'pause', 'resume', 'restart', 'sign-out', 'explode'),
    confirm: fc.constantFrom('yes', 'no'),
    'List-Unsubscribe': fc.constantFrom('One-Click', 'nope'),
  },
  { requiredKeys: [] },
);
// In JSON, a field can hold anything: numbers, lists, objects, and objects String() cannot convert.
const anyJson = fc.oneof(fc.jsonValue(), fc.constant({ toString: 1 }), fc.constant({ toString: null, valueOf: null }));
const jsonFieldsArb = fc.record(
  { t: anyJson, email: anyJson, choice: anyJson, comment: anyJson, action: anyJson, csrf: anyJson, timezone: anyJson, send_hour: anyJson },
  { requiredKeys: [] },
);
const bodyArb = fc.oneof(
  fieldsArb.map((f) => ({ type: 'application/x-www-form-urlencoded', body: new URLSearchParams(f as Record<string, string>).toString() })),
  fieldsArb.map((f) => ({ type: 'application/json', body: JSON.stringify(f) })),
  jsonFieldsArb.map((f) => ({ type: 'application/json', body: JSON.stringify(f) })),
  fc.jsonValue().map((v) => ({ type: 'application/json', body: JSON.stringify(v) })),
  fc.string({ maxLength: 200 }).map((body) => ({ type: 'application/json', body })),
  fc.string({ maxLength: 200 }).map((body) => ({ type: fc.sample(fc.constantFrom('text/plain', 'application/xml', ''), 1)[0] ?? '', body })),
  fc.constant({ type: 'application/x-www-form-urlencoded', body: `email=${'a'.repeat(17_000)}` }),
);
const randomRequestArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  path: fc.oneof(fc.constantFrom(...Object.keys(ROUTES)), fc.webPath(), fc.constant('/%00/..%2f')),
  query: fc.option(tokenArb.map((t) => `t=${encodeURIComponent(t)}`)),
  body: bodyArb,
  accept: fc.constantFrom('text/html', 'application/json', '*/*', ''),
  ip: fc.ipV4(),
  signup: fc.constant(false),
});
// One request in ten is a well-formed sign-up, so the run always reaches real work (and mail).
const signupArb = fc.record({
  method: fc.constant('POST'),
  path: fc.constant('/subscribe'),
  query: fc.constant(null),
  body: fc.record({ email: fc.emailAddress(), first_name: fc.oneof(nasty, fc.constantFrom('Ann', 'José', 'محمد', '')) }).map((f) => ({ type: 'application/x-www-form-urlencoded', body: new URLSearchParams(f).toString() })),
  accept: fc.constantFrom('text/html', 'application/json'),
  ip: fc.ipV4(),
  signup: fc.constant(true),
});
const requestArb = fc.oneof({ arbitrary: randomRequestArb, weight: 9 }, { arbitrary: signupArb, weight: 1 });

describe('fuzzing every route', () => {
  it(`survives ${RUNS} generated requests`, async () => {
    const consent = { at: '2026-12-01T00:00:00Z', ip: '192.0.2.1', userAgent: 'x', formVersion: '1' };
    await putLinked(env.store, activate(newPending({ email: READER, timezone: 'UTC', sendHour: 8, consent }, 'optin', env.clock.now(), 0, testLinkIds()), env.clock.now()));
    let served = 0;
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(requestArb, async (req) => {
        const before = JSON.stringify(env.store.all());
        const mailsBefore = env.mailer.sent.length;
        const withBody = req.method !== 'GET' && req.method !== 'HEAD';
        // A well-formed sign-up carries the form token our page served a few seconds earlier.
        const served5sAgo = () => formToken({ ...env.deps, clock: { now: () => new Date(env.clock.now().getTime() - 5_000) } });
        const body = req.signup ? `${req.body.body}&form_token=${served5sAgo()}` : req.body.body;
        const res = await app.request(`${req.path}${req.query ? `?${req.query}` : ''}`, {
          method: req.method,
          headers: { ...(req.body.type ? { 'content-type': req.body.type } : {}), accept: req.accept, 'x-test-ip': req.ip },
          body: withBody ? body : undefined,
        });
        await env.notices.settled();
        served++;
        statuses.add(res.status);
        expect(res.status, `${req.method} ${req.path}`).toBeLessThan(500);
        const text = await res.text();
        expect(text).not.toContain(MARK);
        expect(text).not.toContain('<script>alert(1)');
        if (res.status >= 400) {
          expect(JSON.stringify(env.store.all())).toBe(before);
          expect(env.mailer.sent.length).toBe(mailsBefore);
        }
        env.clock.advance(61_000);
      }),
      { numRuns: RUNS },
    );
    expect(served).toBe(RUNS);
    // Not a vacuous run: the generator reached real work and every kind of refusal.
    for (const status of [200, 400, 404, 405, 413, 415]) expect(statuses, `saw ${[...statuses].join(',')}`).toContain(status);
    expect(env.mailer.sent.length).toBeGreaterThan(0);
    // Every mail the fuzzing made us send keeps its headers whole.
    for (const mail of env.mailer.sent) {
      const head = mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n'));
      expect(head).not.toMatch(/^bcc:/im);
      expect(head).not.toMatch(/^x:/im);
      expect(mail.to).not.toMatch(/[\r\n]/);
    }
  }, 240_000);

  it('answers every POST whose JSON fields are not text (objects String() cannot convert among them) without a 5xx', async () => {
    const odd: unknown[] = [{ toString: 1 }, { toString: null, valueOf: null }, {}, ['x'], 5, null, true];
    const posts = Object.entries(ROUTES).filter(([, methods]) => methods.includes('POST')).map(([path]) => path);
    expect(posts).toEqual(expect.arrayContaining(['/helpful', '/preferences', '/admin/reader']));
    for (const path of posts) {
      for (const value of odd) {
        const fields = Object.fromEntries(['t', 'email', 'choice', 'comment', 'action', 'csrf', 'timezone', 'send_hour', 'first_name', 'confirm'].map((name) => [name, value]));
        const res = await app.request(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', 'x-test-ip': '192.0.2.77' },
          body: JSON.stringify(fields),
        });
        expect(res.status, `${path} ${JSON.stringify(value)}`).toBeLessThan(500);
        env.clock.advance(61_000);
      }
    }
  });
});
