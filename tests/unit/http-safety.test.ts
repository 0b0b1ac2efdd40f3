import { describe, expect, it } from 'vitest';
import { createApp } from '../../functions/http/app.js';
import { newPending } from '../../functions/core/subscriber.js';
import { sendTemplate } from '../../functions/services/notify.js';
import { compiledCourse, httpHarness, memoryDeps, parseMail, testConfig, testLinkIds } from '../support/fixtures.js';

/** The /safety page, the links to it, and who signs and receives replies to every email. */
const links = (html: string): string[] => [...html.matchAll(/<a [^>]*href="([^"]*)"/g)].map((m) => m[1] ?? '');

describe('/safety', () => {
  it('says plainly that the course is not for emergencies and where to find help, with no outside assets', async () => {
    const res = await httpHarness().app.request('/safety');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('<h1>Your safety comes first</h1>');
    expect(html).toMatch(/not an emergency or crisis service/);
    expect(html).toMatch(/Call your local emergency number/);
    expect(html).toContain('<a href="https://findahelpline.com" rel="noreferrer">Find A Helpline</a>');
    expect(html).toMatch(/domestic-violence helpline/);
    expect(html).toMatch(/safety plan/i);
    // Links only: nothing is loaded from anywhere (an ex may watch what a reader's device fetches).
    expect(html).not.toMatch(/<(img|script|link|iframe)\b/i);
    expect(html).not.toMatch(/Help near you/);
  });

  it('shows the author\'s local resources first when SAFETY_RESOURCES_URL is set', async () => {
    const { deps } = memoryDeps();
    const local = 'https://support.example.org/near-you';
    const app = createApp({ ...deps, config: { ...testConfig, safetyResourcesUrl: local } });
    const html = await (await app.request('/safety')).text();
    expect(html).toContain('Help near you');
    expect(links(html)[1]).toBe(local); // after the brand link home, before Find A Helpline
    expect(links(html).indexOf(local)).toBeLessThan(links(html).indexOf('https://findahelpline.com'));
  });

  it('answers HEAD, and refuses other methods with Allow', async () => {
    const { app } = httpHarness();
    expect((await app.request('/safety', { method: 'HEAD' })).status).toBe(200);
    const post = await app.request('/safety', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('is linked from the sign-up form and from the foot of every page', async () => {
    const { app } = httpHarness();
    for (const path of ['/', '/safety', '/nowhere']) {
      const html = await (await app.request(path)).text();
      expect(html.match(/<footer>.*<\/footer>/s)?.[0], path).toContain('<a href="/safety">Safety</a>');
    }
    const form = await (await app.request('/')).text();
    expect(form).toMatch(/not a crisis service\. If you are not safe, or need to talk to someone today, <a href="\/safety">/);
  });
});

describe('every email', () => {
  it('carries Reply-To, the author\'s sign-off and the Safety link from the configuration', async () => {
    const { deps, mailer } = memoryDeps();
    const consent = { at: '2026-12-01T12:00:00Z', ip: '192.0.2.1', userAgent: 'test', formVersion: '1' };
    const sub = newPending({ email: 'reader@example.com', firstName: 'Ann', timezone: 'UTC', sendHour: 8, consent }, 'b3B0aW4x', deps.clock.now(), 0, testLinkIds());
    const emails = [compiledCourse.confirmation, compiledCourse.alreadyEnrolled, compiledCourse.complete, compiledCourse.dataExport, compiledCourse.dataDelete, ...compiledCourse.lessons];
    for (const email of emails) await sendTemplate(deps, sub, email, deps.clock.now(), { dataUrl: `${testConfig.baseUrl}/data?t=x` });
    for (const [i, sent] of mailer.sent.entries()) {
      const mail = await parseMail(sent.raw);
      expect(mail.replyTo?.value, emails[i]?.subject).toEqual([{ name: 'Robin', address: 'robin@letgo.test' }]);
      expect(mail.text).toContain(`Safety (if you need help now):\n${testConfig.baseUrl}/safety`);
      expect(mail.html).toMatch(new RegExp(`<a href="${testConfig.baseUrl.replaceAll('.', '\\.')}/safety"[^>]*>Safety</a>`));
      if (i > 0) expect(mail.text).toContain(`— ${testConfig.authorName}`);
      expect(mail.text).not.toContain('— Let Go');
    }
  });
});
