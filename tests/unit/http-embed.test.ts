import { describe, expect, it } from 'vitest';
import { createApp } from '../../functions/http/app.js';
import { memoryDeps } from '../support/fixtures.js';

/** The embeddable signup: a plain form from any site, the JSON variant with CORS for listed origins only. */
const env = memoryDeps();
const app = createApp({ ...env.deps, allowedOrigins: ['https://author.example'] });

const preflight = (origin: string) =>
  app.request('/subscribe', {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });

describe('embeddable signup', () => {
  it('answers the CORS preflight of a listed origin', async () => {
    const res = await preflight('https://author.example');
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://author.example');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('gives an unlisted origin no CORS grant', async () => {
    const res = await preflight('https://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const post = await app.request('/subscribe', {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'someone@example.com' }),
    });
    // The browser will not let that page read the answer; the server still applies the signup rules.
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('accepts the JSON signup from a listed origin and lets the page read the neutral answer', async () => {
    const res = await app.request('/subscribe', {
      method: 'POST',
      headers: { origin: 'https://author.example', 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'Embed@Example.com', timezone: 'Europe/Paris', send_hour: 7 }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://author.example');
    expect(await res.json()).toMatchObject({ ok: true });
    await env.notices.settled();
    expect(await env.store.get('embed@example.com')).toMatchObject({ status: 'pending', timezone: 'Europe/Paris', sendHour: 7 });
  });

  it("accepts the plain HTML form posted from the author's listed site, and no other", async () => {
    const post = (origin: string) =>
      app.request('/subscribe', {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email=plain%40example.com&timezone=Asia%2FTokyo',
      });
    const listed = await post('https://author.example');
    expect(listed.status).toBe(200);
    expect(await listed.text()).toContain('Check your inbox');
    // A stranger's page cannot fire the form from its visitors' browsers (and their IP budgets).
    const stranger = await post('https://blog.example');
    expect(stranger.status).toBe(400);
    await env.notices.settled();
    expect(env.mailer.sent.filter((mail) => mail.to === 'plain@example.com')).toHaveLength(1);
  });
});
