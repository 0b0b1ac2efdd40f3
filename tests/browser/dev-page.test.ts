import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer } from '../../scripts/dev/server.js';
import { newDataDir, removeDataDirs, startStack, waitForEmail, type Stack } from '../integration/local-process.js';

/**
 * `npm run dev` in a real Chromium: saving a lesson updates the open page by itself (no reload),
 * a broken file shows its file, line and error in the page while the server keeps running, and the
 * page's test send lands in the running local stack's mailbox.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;
let dev: Awaited<ReturnType<typeof startDevServer>>;
let browser: Browser;
let page: Page;
let stack: Stack | undefined;
const dataDir = newDataDir();
const lesson = () => path.join(dir, 'day-03.md');
const templates = path.join(tmpdir(), `letgo-dev-emails-${process.pid}`);
const original = () => readFileSync(path.join(ROOT, 'content', 'day-03.md'), 'utf8');

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'letgo-dev-'));
  cpSync(path.join(ROOT, 'content'), dir, { recursive: true });
  cpSync(path.join(ROOT, 'emails'), templates, { recursive: true });
  dev = await startDevServer({ contentDir: dir, templatesDir: templates, port: 0, dataDir, authorEmail: 'author@letgo.local' });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
  if (stack?.child.exitCode === null) await stack.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(templates, { recursive: true, force: true });
  removeDataDirs();
});

/** Saves the lesson and waits for the open page to show `expected` in its heading; the ms it took. */
async function saveAndWait(text: string, expected: string | RegExp, where = 'h1'): Promise<number> {
  const started = Date.now();
  writeFileSync(lesson(), text);
  await page.waitForFunction(([selector, wanted, isRegex]) => {
    const shown = document.querySelector(selector)?.textContent ?? '';
    return isRegex ? new RegExp(wanted).test(shown) : shown.includes(wanted);
  }, [where, typeof expected === 'string' ? expected : expected.source, typeof expected !== 'string'] as const, { timeout: 10_000 });
  return Date.now() - started;
}

describe('the dev page', () => {
  it('updates an open page within about a second of a save, without reloading it', async () => {
    await page.goto(`${dev.url}/email/day-03`);
    await page.waitForFunction(() => document.querySelectorAll('iframe').length === 3);
    // Set on this document only: a reload would lose it.
    await page.evaluate(() => Object.assign(window, { devMarker: 'still here' }));
    const latencies: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const subject = `A calmer subject, take ${i}`;
      latencies.push(await saveAndWait(original().replace(/^subject: .*$/m, `subject: "${subject}"`), subject));
      // The email itself was rebuilt: the phone-width frame shows the new subject too.
      await expect.poll(() => page.frameLocator('iframe[data-part="phone"]').locator('h1').textContent()).toBe(subject);
    }
    expect(await page.evaluate(() => (window as unknown as { devMarker?: string }).devMarker)).toBe('still here');
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(`dev page: save to updated page ${JSON.stringify(latencies)} ms (median ${sorted[2]} ms)`);
    expect(sorted[2]).toBeLessThanOrEqual(1000);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(2000);
  });

  it('rebuilds every email when a template is saved', async () => {
    const layout = path.join(templates, 'layout.mjml');
    const text = readFileSync(layout, 'utf8');
    const started = Date.now();
    writeFileSync(layout, text.replace('Replies reach the author, a person,', 'Replies reach the author, a real person,'));
    await expect.poll(() => page.frameLocator('iframe[data-part="desktop"]').locator('body').textContent(), { timeout: 10_000 })
      .toContain('Replies reach the author, a real person,');
    console.log(`dev page: template save to updated page ${Date.now() - started} ms (all 26 emails rebuilt)`);
    writeFileSync(layout, text);
  });

  it('shows a broken file with its file, line and error, keeps running, and recovers when it is fixed', async () => {
    const broken = original().replace(/^section: (.*)$/m, 'section: $1\n  - not: a list');
    const line = broken.split('\n').indexOf('  - not: a list') + 1;
    await saveAndWait(broken, /does not build/, '[role="alert"]');
    const alert = await page.locator('[role="alert"]').textContent();
    expect(alert).toContain(`${path.join(dir, 'day-03.md')}:${line}: error: cannot parse front matter (bad indentation of a mapping entry)`);
    // The last build that worked is still shown below the error.
    expect(await page.locator('iframe[data-part="phone"]').count()).toBe(1);
    expect(await (await fetch(`${dev.url}/state.json`)).json()).toMatchObject({ ok: false, emails: 26 });
    await saveAndWait(original(), /When some things must be shared/);
    expect(await page.locator('[role="alert"]').count()).toBe(0);
    expect(await page.locator('[role="status"]').first().textContent()).toMatch(/^Built at/);
  });

  it('sends a test of the email to the running local stack’s mailbox from its button', async () => {
    stack = await startStack(dataDir);
    await page.reload();
    await page.getByLabel('To').fill('me@author.example');
    await page.getByRole('button', { name: 'Send to the local mailbox' }).click();
    await page.waitForURL(/\/email\/day-03\?sent=/);
    expect(await page.locator('[data-part="send"] [role="status"]').textContent()).toBe(
      `Sent "When some things must be shared" to me@author.example: open the mailbox at ${stack.record.sesUrl}/`);
    const mail = await waitForEmail(stack.record, 'me@author.example', 0);
    expect(mail.subject).toBe('When some things must be shared');
  }, 180_000);
});
