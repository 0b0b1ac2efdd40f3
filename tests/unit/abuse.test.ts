import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from '../../functions/adapters/rate-limiters.js';
import { createApp } from '../../functions/http/app.js';
import { MIN_SUBMIT_MS } from '../../functions/http/signup-routes.js';
import { LIMITS } from '../../functions/services/deps.js';
import { memoryDeps } from '../support/fixtures.js';

/** Signup bombing and bots: the limits hold, and a blocked request stores and sends nothing. */
function harness(options: { ip?: () => string; human?: boolean } = {}) {
  const logs: string[] = [];
  const env = memoryDeps('2026-12-01T09:00:00Z', {
    limiter: createMemoryRateLimiter(),
    log: (event, fields) => void logs.push(JSON.stringify({ event, ...fields })),
  });
  const humanCheck =
    options.human === undefined ? undefined : { siteKey: 'site-key', verify: async (response: string) => options.human === true && response === 'ok' };
  const app = createApp({ ...env.deps, clientIp: options.ip ?? (() => '198.51.100.4'), humanCheck });
  const post = (fields: Record<string, string>) =>
    app.request('/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  return { ...env, app, post, logs };
}

describe('per client address', () => {
  it(`allows ${LIMITS.perClientHour.limit} sign-ups an hour, then answers 429 with Retry-After`, async () => {
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

  it('counts each client on its own', async () => {
    let ip = 0;
    const h = harness({ ip: () => `198.51.100.${ip++ % 250}` });
    for (let i = 0; i < 60; i++) expect((await h.post({ email: `s${i}@example.com` })).status).toBe(200);
  });
});

describe('per address', () => {
  it('sends at most one email per 10 minutes and 3 a day, whatever the state', async () => {
    let ip = 0;
    const h = harness({ ip: () => `192.0.2.${ip++}` });
    const victim = { email: 'victim@example.com' };
    for (let attempt = 0; attempt < 10; attempt++) {
      expect((await h.post(victim)).status).toBe(200);
      h.clock.advance(4 * 60_000);
    }
    // 40 minutes of attempts every 4 minutes: one email per 10-minute window at most.
    expect(h.mailer.sent.length).toBeLessThanOrEqual(4);
    expect(h.mailer.sent.length).toBeGreaterThanOrEqual(3);
    for (let attempt = 0; attempt < 20; attempt++) {
      await h.post(victim);
      h.clock.advance(11 * 60_000);
    }
    const sameDay = h.mailer.sent.filter((mail) => mail.to === 'victim@example.com');
    expect(sameDay.length).toBeLessThanOrEqual(LIMITS.perAddressDay.limit + 1); // a day boundary may fall inside the run
  });
});

describe('bots', () => {
  it('asks again when the form comes back faster than a person could fill it, storing nothing', async () => {
    const h = harness();
    const page = await (await h.app.request('/')).text();
    const token = page.match(/name="form_token" value="([^"]+)"/)?.[1] ?? '';
    expect(token).not.toBe('');
    const fast = await h.post({ email: 'bot@example.com', form_token: token });
    expect(fast.status).toBe(400);
    expect(await fast.text()).toContain('press Start the course again');
    expect(h.store.all()).toHaveLength(0);
    expect(h.mailer.sent).toHaveLength(0);
    h.clock.advance(MIN_SUBMIT_MS + 1000);
    await h.post({ email: 'person@example.com', form_token: token });
    expect(await h.store.get('person@example.com')).toMatchObject({ status: 'pending' });
  });

  it('treats a forged form token as a bot', async () => {
    const h = harness();
    await h.post({ email: 'forger@example.com', form_token: 'v1.k2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
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
      expect(line).not.toMatch(/v1\.[\w-]+\.[\w-]{20,}/);
    }
  });
});
