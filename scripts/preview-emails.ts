// Preview every email without sending anything: fills build/emails.json with sample reader data
// (through the same fill function the send path uses) and writes previews/: one .html and .txt per
// email, the exact raw message the send path would hand SES for a production setting (.eml, to
// score with spam filters: npm run emails:score), an index.html, and, where Chromium is installed,
// PNGs at 375 and 600 px plus dark mode.
// Usage: npm run emails:preview  (builds first). Env: CHROMIUM_PATH (default /usr/bin/chromium).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runIfEntryPoint } from './entry-point.js';
import type { Page } from 'playwright-core';
import { escapeHtml, type CompiledCourse } from '../functions/core/message.js';
import {
  fillSample, previewEmails, rawMessages, SAMPLE_VALUES, type EmailKind, type FilledEmail, type PreviewEmail,
} from './sample-emails.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const kb = (s: string): string => `${(Buffer.byteLength(s, 'utf8') / 1024).toFixed(1)} KB`;

export interface Row { item: PreviewEmail; filled: FilledEmail; pngs: string[]; axe: string[] }

function indexPage(rows: Row[], shots: boolean): string {
  const link = (href: string, label: string): string => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
  const body = rows.map(({ item, filled, pngs }) => `<tr>
<th scope="row">${escapeHtml(item.label)}</th>
<td><strong>${escapeHtml(filled.subject)}</strong><br><span class="pre">${escapeHtml(filled.preheader)}</span></td>
<td class="nw">${kb(filled.html)}</td>
<td class="nw">${link(`${item.slug}.html`, 'HTML')} · ${link(`${item.slug}.txt`, 'text')} · ${link(`${item.slug}.eml`, 'raw')}</td>
${shots ? `<td class="nw">${pngs.map((p) => link(p, p.replace(`${item.slug}-`, '').replace('.png', ''))).join(' · ')}</td>` : ''}
</tr>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Let Go: email previews</title><style>
body{font:16px/1.5 system-ui,sans-serif;margin:2rem;color:#1f2421}table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.5rem;border-bottom:1px solid #ccd}.pre{color:#4f5753}.nw{white-space:nowrap}
a{color:#2d5a4c}</style></head><body><h1>Let Go: ${rows.length} email previews</h1>
<p>Filled with sample data (${escapeHtml(SAMPLE_VALUES.greeting)} links to letgo.example). Sizes are the HTML part after filling.</p>
<table><thead><tr><th scope="col">Email</th><th scope="col">Subject and preheader</th><th scope="col">HTML</th>
<th scope="col">Open</th>${shots ? '<th scope="col">Screenshots</th>' : ''}</tr></thead><tbody>
${body}
</tbody></table></body></html>
`;
}

interface Shooter { shoot(file: string, out: string, width: number, dark: boolean): Promise<string[]>; close(): Promise<void> }
interface AxeResult { violations: Array<{ id: string; nodes: unknown[] }> }
type AxeWindow = { axe: { run(context: Document, options: object): Promise<AxeResult> } };
const AXE_WIDTH = 375;
// Page-level landmark rules do not apply to an email: the client's own page holds it (mjml marks it role="article").
const AXE_OPTIONS = { rules: { 'landmark-one-main': { enabled: false }, region: { enabled: false } } };

/**
 * A headless Chromium that can only load local files (a remote image or font would show as missing)
 * and runs axe-core on the 375 px shots (light and dark), returning the accessibility rules that fail.
 */
async function startShooter(executablePath: string): Promise<Shooter> {
  const { chromium } = await import('playwright-core');
  const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const browser = await chromium.launch({
    executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const pages = new Map<string, Page>();
  const remote: string[] = [];
  const pageFor = async (width: number, dark: boolean): Promise<Page> => {
    const key = `${width}-${dark}`;
    const existing = pages.get(key);
    if (existing) return existing;
    const context = await browser.newContext({ viewport: { width, height: 640 }, colorScheme: dark ? 'dark' : 'light' });
    await context.route(/^https?:/, async (route) => {
      remote.push(route.request().url());
      await route.abort();
    });
    const page = await context.newPage();
    pages.set(key, page);
    return page;
  };
  return {
    async shoot(file, out, width, dark) {
      const page = await pageFor(width, dark);
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.screenshot({ path: out, fullPage: true });
      if (remote.length > 0) throw new Error(`${path.basename(file)} tried to load ${remote.join(', ')}`);
      // Colours and structure do not change with width: one axe run per email and colour scheme.
      if (width !== AXE_WIDTH) return [];
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(
        (options) => (window as unknown as AxeWindow).axe.run(document, options), AXE_OPTIONS);
      return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
    },
    close: () => browser.close(),
  };
}

export async function writePreviews(outDir: string, course: CompiledCourse, chromiumPath?: string): Promise<Row[]> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const shooter = chromiumPath ? await startShooter(chromiumPath) : undefined;
  const darkDone = new Set<EmailKind>();
  const rows: Row[] = [];
  try {
    const items = previewEmails(course);
    const raws = await rawMessages(course);
    for (const [i, item] of items.entries()) {
      const filled = fillSample(item.email);
      const htmlFile = path.join(outDir, `${item.slug}.html`);
      writeFileSync(htmlFile, filled.html);
      writeFileSync(path.join(outDir, `${item.slug}.txt`), filled.text);
      writeFileSync(path.join(outDir, `${item.slug}.eml`), raws[i]?.raw ?? '');
      const pngs: string[] = [];
      const axe = new Set<string>();
      if (shooter) {
        const shots: Array<[number, boolean]> = [[375, false], [600, false]];
        // One dark-mode shot per kind of email is enough: they share one layout.
        if (!darkDone.has(item.kind)) shots.push([375, true]);
        darkDone.add(item.kind);
        for (const [width, dark] of shots) {
          const name = `${item.slug}-${width}${dark ? '-dark' : ''}.png`;
          for (const v of await shooter.shoot(htmlFile, path.join(outDir, name), width, dark)) axe.add(`${v} at ${name}`);
          pngs.push(name);
        }
      }
      rows.push({ item, filled, pngs, axe: [...axe] });
      const n = `${String(i + 1).padStart(2)}/${items.length}`;
      console.log(`[${n}] ${item.slug.padEnd(20)} html ${kb(filled.html).padStart(8)}  text ${kb(filled.text).padStart(7)}  ${filled.subject}${pngs.length ? `  (${pngs.length} png, axe ${axe.size ? [...axe].join('; ') : 'ok'})` : ''}`);
    }
  } finally {
    await shooter?.close();
  }
  writeFileSync(path.join(outDir, 'index.html'), indexPage(rows, shooter !== undefined));
  return rows;
}

async function main(): Promise<void> {
  const jsonFile = path.join(ROOT, 'build', 'emails.json');
  if (!existsSync(jsonFile)) throw new Error(`${jsonFile} not found: run "npm run build" first`);
  const course = JSON.parse(readFileSync(jsonFile, 'utf8')) as CompiledCourse;
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const hasChromium = existsSync(chromiumPath);
  if (!hasChromium) console.log(`no Chromium at ${chromiumPath}: writing HTML and text only (set CHROMIUM_PATH for PNGs)`);
  const outDir = path.join(ROOT, 'previews');
  const rows = await writePreviews(outDir, course, hasChromium ? chromiumPath : undefined);
  const sizes = rows.map((r) => Buffer.byteLength(r.filled.html, 'utf8'));
  const pngs = rows.reduce((sum, r) => sum + r.pngs.length, 0);
  const axeFailures = rows.filter((r) => r.axe.length > 0).length;
  console.log(`\nwrote ${rows.length} emails (html + text + raw .eml${pngs ? `, ${pngs} PNGs` : ''}) to ${path.relative(process.cwd(), outDir) || '.'}/`);
  console.log(`html after filling: ${(Math.min(...sizes) / 1024).toFixed(1)}–${(Math.max(...sizes) / 1024).toFixed(1)} KB (Gmail clips at 102 KB)`);
  if (pngs) console.log(`axe-core: ${axeFailures ? `${axeFailures} emails with violations (see above)` : 'no violations'} in light and dark`);
  if (axeFailures) process.exitCode = 1;
  console.log(`open ${path.join(outDir, 'index.html')}`);
}

await runIfEntryPoint(import.meta.url, 'preview-emails', main);
