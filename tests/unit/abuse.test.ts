import { describe, expect, it } from 'vitest';
import { createApp } from '../../functions/http/app.js';
import { LIMITS } from '../../functions/services/deps.js';
import { FORM_TOKEN_MS, MIN_SUBMIT_MS } from '../../functions/services/signup.js';
import { memoryDeps, parseMail } from '../support/fixtures.js';

/** Signup bombing and bots: the limits hold, and a blocked request stores and sends nothing. */
function harness(options: { ip?: () => string; human?: boolean; origins?: string[] } = {}) {
  const logs: string[] = [];
  const env = memoryDeps('2026-12-01T09:00:00Z', { log: (event, fields) => void logs.push(JSON.stringify({ event, ...fields })) });
  const humanCheck =
    options.human === undefined ? undefined : { siteKey: 'site-key', verify: async (response: string) => options.human === true && response === 'ok' };
  const app = createApp({ ...env.deps, clientIp: options.ip ?? (() => '198.51.100.4'), humanCheck, allowedOrigins: options.origins });
  /** A form token as our page serves it, taken a few seconds before now. */
  const token = async () => {
    env.clock.advance(-5_000);
    const page = await (await app.request('/')).text();
    env.clock.advance(5_000);
    return page.match(/name="form_token" value="([^"]+)"/)?.[1] ?? '';
  };
  const post = async (fields: Record<string, string>, headers: Record<string, string> = {}) => {
    const body = fields.form_token === undefined ? { ...fields, form_token: await token() } : fields;
    const res = await app.request('/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(body).toString(),
    });
    await env.notices.settled();
    return res;
  };
  const mailsTo = (inbox: RegExp) => env.mailer.sent.filter((mail) => inbox.test(mail.to));
  return { ...env, app, post, logs, token, mailsTo };
}

describe('per network', () => {
  it(`allows ${LIMITS.perClientHour.limit} sign-ups an hour from one address, then answers 429 with Retry-After`, async () => {
    const h = harness();
    for (let i = 0; i < LIMITS.perClientHour.limit; i++) expect((await h.post({ email: `r${i}@example.com` })).status).toBe(200);
    const blocked = await h.post({ email: 'one-more@example.com' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBe(3600);
    expect(await h.store.get('one-more@example.com')).toBeUndefined();
    expect(h.mailer.sent).toHaveLength(LIMITS.perClientHour.limit);
    h.clock.advance(3_600_000);
    expect((await h.post({ email: 'one-more@example.com' })).status).toBe(200);
  });

  it('counts an IPv6 /64 as one client: a fresh address inside it gets no fresh budget', async () => {
    let n = 0;
    const h = harness({ ip: () => `2001:db8:1:2:${(n++).toString(16)}::1` });
    const answers = [];
    for (let i = 0; i < LIMITS.perClientHour.limit + 5; i++) answers.push((await h.post({ email: `v6-${i}@example.com` })).status);
    expect(answers.filter((status) => status === 200)).toHaveLength(LIMITS.perClientHour.limit);
    expect(answers.at(-1)).toBe(429);
  });

  it(`counts an IPv4 /24 as one wider network (${LIMITS.perNetworkHour.limit} an hour), each address on its own below that`, async () => {
    let n = 0;
    const h = harness({ ip: () => `198.51.100.${n++ % 250}` });
    const answers = [];
    for (let i = 0; i < LIMITS.perNetworkHour.limit + 3; i++) answers.push((await h.post({ email: `s${i}@example.com` })).status);
    expect(answers.slice(0, LIMITS.perNetworkHour.limit).every((status) => status === 200)).toBe(true);
    expect(answers.at(-1)).toBe(429);
    // Another /24 is another network.
    const other = harness({ ip: () => '203.0.113.9' });
    expect((await other.post({ email: 'elsewhere@example.com' })).status).toBe(200);
  });

  it('the "send me a fresh confirmation" button counts toward the same per-network limit', async () => {
    const h = harness();
    await h.post({ email: 'late@example.com' });
    const confirm = /\/confirm\?t=([\w.-]+)/.exec((await parseMail(h.mailer.sent[0]!.raw)).text ?? '')?.[1] ?? '';
    expect(confirm).not.toBe('');
    for (let i = 1; i < LIMITS.perClientHour.limit; i++) await h.post({ email: `other-${i}@example.com` });
    const resend = await h.app.request('/confirm/resend', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ t: confirm }).toString(),
    });
    expect(resend.status).toBe(429);
  });
});

describe('per mailbox: the bomber', () => {
  it('one inbox behind plus-tags, Gmail dots, googlemail.com and case gets one email per 10 minutes', async () => {
    let ip = 0;
    const h = harness({ ip: () => `192.0.2.${ip++}` });
    const aliases = ['ab@gmail.com', 'a.b@gmail.com', 'ab+1@gmail.com', 'A.B+news@GMAIL.com', 'ab@googlemail.com', 'a.b+x@googlemail.com'];
    for (let i = 0; i < 20; i++) expect((await h.post({ email: aliases[i % aliases.length]! })).status).toBe(200);
    expect(h.mailer.sent).toHaveLength(1);
    // The address is stored and mailed as typed, never as its canonical form.
    expect(h.mailer.sent[0]!.to).toBe('ab@gmail.com');
  });

  it('plus-tags on any domain and a domain in Unicode or punycode are one mailbox', async () => {
    let ip = 0;
    const h = harness({ ip: () => `192.0.2.${ip++}` });
    for (const email of ['ann@bücher.example', 'ann+1@xn--bcher-kva.example', 'Ann+2@BÜCHER.example']) await h.post({ email });
    expect(h.mailsTo(/bücher|xn--bcher/)).toHaveLength(1);
    for (const email of ['team+a@corp.example', 'team+b@corp.example']) await h.post({ email });
    expect(h.mailsTo(/corp\.example/)).toHaveLength(1);
  });

  it('at most 3 emails a day to one mailbox, whatever the state', async () => {
    let ip = 0;
    const h = harness({ ip: () => `192.0.2.${ip++}` });
    for (let attempt = 0; attempt < 20; attempt++) {
      await h.post({ email: attempt % 2 ? 'victim+x@example.com' : 'victim@example.com' });
      h.clock.advance(11 * 60_000);
    }
    expect(h.mailsTo(/^victim/).length).toBeLessThanOrEqual(LIMITS.perAddressDay.limit + 1); // a day boundary may fall inside
  });
});

describe('the form: single use, within the hour, only from where it belongs', () => {
  it('asks again when the form comes back faster than a person could fill it, storing nothing', async () => {
    const h = harness();
    const page = await (await h.app.request('/')).text();
    const token = page.match(/name="form_token" value="([^"]+)"/)?.[1] ?? '';
    const fast = await h.post({ email: 'bot@example.com', form_token: token });
    expect(fast.status).toBe(400);
    expect(await fast.text()).toContain('press Start the course again');
    expect(h.store.all()).toHaveLength(0);
    expect(h.mailer.sent).toHaveLength(0);
    h.clock.advance(MIN_SUBMIT_MS + 1000);
    await h.post({ email: 'person@example.com', form_token: token });
    expect(await h.store.get('person@example.com')).toMatchObject({ status: 'pending' });
  });

  it('a form token works once: replaying it is refused', async () => {
    const h = harness();
    const token = await h.token();
    expect((await h.post({ email: 'first@example.com', form_token: token })).status).toBe(200);
    const replay = await h.post({ email: 'second@example.com', form_token: token });
    expect(replay.status).toBe(400);
    expect(await h.store.get('second@example.com')).toBeUndefined();
  });

  it('a form token expires after an hour', async () => {
    const h = harness();
    const token = await h.token();
    h.clock.advance(FORM_TOKEN_MS);
    const late = await h.post({ email: 'late@example.com', form_token: token });
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('open for a while');
    expect(h.store.all()).toHaveLength(0);
  });

  it('on the fast local clock the windows stay in real time (a person is still a person)', async () => {
    const h = harness();
    const fast = { now: h.clock.now, speed: 1440 };
    const app = createApp({ ...h.deps, clock: fast, clientIp: () => '198.51.100.4' });
    const token = (await (await app.request('/')).text()).match(/name="form_token" value="([^"]+)"/)?.[1] ?? '';
    h.clock.advance(FORM_TOKEN_MS * 10); // ten simulated hours = 25 real seconds at 1440x
    const res = await app.request('/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'local@example.com', form_token: token }).toString(),
    });
    expect(res.status).toBe(200);
  });

  it("refuses a form post with no token from a stranger's site; takes it from a listed origin or as JSON", async () => {
    const h = harness({ origins: ['https://blog.example'] });
    const stranger = await h.post({ email: 'target@example.com', form_token: '' }, { origin: 'https://evil.example' });
    expect(stranger.status).toBe(400);
    const noOrigin = await h.post({ email: 'target@example.com', form_token: '' });
    expect(noOrigin.status).toBe(400);
    // What a stranger's page can make a browser send without a CORS preflight: any Accept header,
    // and a form or text body whose content type merely mentions JSON. None of it is a JSON client.
    for (const headers of <Record<string, string>[]>[
      { origin: 'https://evil.example', accept: 'application/json' },
      { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded; charset=application/json' },
      { origin: 'https://evil.example', 'content-type': 'text/plain; application/json' },
    ]) {
      const res = await h.post({ email: 'target@example.com', form_token: '' }, headers);
      expect(res.status, JSON.stringify(headers)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(headers)).toBeLessThan(500);
    }
    expect(h.store.all()).toHaveLength(0);
    expect(h.mailer.sent).toHaveLength(0);
    expect((await h.post({ email: 'reader@example.com', form_token: '' }, { origin: 'https://blog.example' })).status).toBe(200);
    const json = await h.app.request('/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ email: 'app@example.com' }),
    });
    expect(json.status).toBe(200);
    await h.notices.settled();
    expect(h.mailer.sent.map((mail) => mail.to).sort()).toEqual(['app@example.com', 'reader@example.com']);
  });

  it('treats a forged form token as a bot', async () => {
    const h = harness();
    await h.post({ email: 'forger@example.com', form_token: 'k2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(h.store.all()).toHaveLength(0);
  });

  it('with Turnstile configured, refuses a failed check and accepts a passed one', async () => {
    const h = harness({ human: true });
    const page = await h.app.request('/');
    expect(page.headers.get('content-security-policy')).toContain('https://challenges.cloudflare.com');
    expect(await page.text()).toContain('data-sitekey="site-key"');
    const refused = await h.post({ email: 'maybe@example.com', 'cf-turnstile-response': 'bad' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('complete the check');
    expect(h.store.all()).toHaveLength(0);
    await h.post({ email: 'maybe@example.com', 'cf-turnstile-response': 'ok' });
    expect(await h.store.get('maybe@example.com')).toBeDefined();
  });
});

describe('logs', () => {
  it('never hold a full address or a token', async () => {
    const h = harness();
    await h.post({ email: 'private.person@example.com', first_name: 'Pat' });
    h.mailer.send = async () => {
      throw new Error('SES down');
    };
    h.clock.advance(11 * 60_000);
    await h.post({ email: 'private.person@example.com' });
    expect(h.logs.length).toBeGreaterThan(0);
    for (const line of h.logs) {
      expect(line).not.toContain('private.person@');
      expect(line).not.toMatch(/k2\.[\w-]{20,}/);
    }
  });
});
