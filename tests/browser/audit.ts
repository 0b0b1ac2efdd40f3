import type { Result } from 'axe-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Page, type Response as PageResponse } from 'playwright-core';

/**
 * A real Chromium with two contexts: the reader's, which keeps the pages' strict
 * CSP (so the page's own script must work under it), and an audit context that
 * bypasses CSP only so axe-core can be injected into a copy of each page.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const MAX_PAGE_BYTES = 30 * 1024;
export const TIMEZONE = 'America/New_York';
const VIEWPORTS = { phone: { width: 375, height: 812 }, desktop: { width: 1280, height: 900 } };
const BLOCKING = new Set(['serious', 'critical']);

export type Finding = { id: string; impact: string; help: string; modes: string[]; targets: string[] };
export type PageReport = { name: string; url: string; status?: number; bytes?: number; findings: Finding[] };

export async function openBrowser() {
  const runId = new Date().toISOString().replace(/[:.]/g, '-');
  const folder = fileURLToPath(new URL(`../../screenshots/${runId}/`, import.meta.url));
  mkdirSync(folder, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
  const options = { timezoneId: TIMEZONE, locale: 'en-US', viewport: VIEWPORTS.phone, colorScheme: 'light' as const };
  const readerContext = await browser.newContext(options);
  const auditContext = await browser.newContext({ ...options, bypassCSP: true });

  // Nothing may leave the machine: no fonts, trackers or CDNs, from any page or email.
  const offsite: string[] = [];
  for (const context of [readerContext, auditContext]) {
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (!['data:', 'about:'].includes(url.protocol) && !['127.0.0.1', 'localhost'].includes(url.hostname)) offsite.push(url.href);
    });
  }
  const page = await readerContext.newPage();
  const cspErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy/i.test(message.text())) cspErrors.push(message.text());
  });
  page.on('pageerror', (error) => cspErrors.push(error.message));
  const auditPage = await auditContext.newPage();
  const reports: PageReport[] = [];

  /** Runs axe on a CSP-free copy of the reader's page, light at both widths and dark on the phone. */
  async function axeFindings(html: string): Promise<Finding[]> {
    await auditPage.setContent(html, { waitUntil: 'load' });
    await auditPage.addScriptTag({ content: AXE_SOURCE });
    const findings = new Map<string, Finding>();
    const modes = [
      ['phone', 'light'],
      ['desktop', 'light'],
      ['phone', 'dark'],
    ] as const;
    for (const [width, colorScheme] of modes) {
      await auditPage.setViewportSize(VIEWPORTS[width]);
      await auditPage.emulateMedia({ colorScheme });
      const violations = await auditPage.evaluate(async () => {
        const { axe } = window as unknown as { axe: typeof import('axe-core') };
        return (await axe.run(document, { resultTypes: ['violations'] })).violations;
      });
      for (const violation of violations as Result[]) {
        const found = findings.get(violation.id) ?? {
          id: violation.id,
          impact: violation.impact ?? 'unknown',
          help: violation.help,
          modes: [],
          targets: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`.replace(/\s+/g, ' ')),
        };
        found.modes.push(`${width}/${colorScheme}`);
        findings.set(violation.id, found);
      }
    }
    return [...findings.values()];
  }

  /**
   * Checks the page the reader is looking at: weight and CSP of its document,
   * no CSP errors, nothing offsite, axe, and a full-page screenshot per width.
   * `document` is the navigation response (absent for an email shown with setContent).
   */
  async function checkpoint(name: string, document?: PageResponse | null, options: { enforce?: boolean } = {}): Promise<PageReport> {
    const { enforce = true } = options;
    const label = `${String(reports.length + 1).padStart(2, '0')}-${name}`;
    const report: PageReport = { name: label, url: page.url(), findings: [] };
    if (document) {
      report.status = document.status();
      report.bytes = (await document.body()).byteLength;
      if (enforce && report.bytes >= MAX_PAGE_BYTES) throw new Error(`${label}: the document is ${report.bytes} bytes, over ${MAX_PAGE_BYTES}`);
      const csp = (await document.allHeaders())['content-security-policy'] ?? '';
      if (enforce && !csp.includes("default-src 'none'")) throw new Error(`${label}: no strict Content-Security-Policy header (got "${csp}")`);
    }
    for (const [width, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: `${folder}${label}-${width}.png`, fullPage: true });
    }
    await page.setViewportSize(VIEWPORTS.phone);
    report.findings = await axeFindings(await page.content());
    reports.push(report);
    for (const finding of report.findings) {
      console.log(`axe ${label} [${finding.impact}] ${finding.id}: ${finding.help} (${finding.modes.join(', ')})\n  ${finding.targets.join('\n  ')}`);
    }
    const blocking = report.findings.filter((finding) => BLOCKING.has(finding.impact));
    if (enforce && blocking.length) throw new Error(`${label}: axe found ${blocking.map((finding) => `${finding.impact} ${finding.id}`).join(', ')}`);
    const broken = cspErrors.splice(0);
    if (enforce && broken.length) throw new Error(`${label}: the page broke its CSP: ${broken.slice(0, 3).join(' | ')}`);
    if (offsite.length) throw new Error(`${label}: requests left localhost: ${offsite.join(', ')}`);
    return report;
  }

  /** Performs `action` (a click, a submit) and returns the document response it navigated to. */
  async function navigation(action: () => Promise<unknown>): Promise<PageResponse> {
    const [response] = await Promise.all([
      // The document that ends up shown: a redirect (post/redirect/get) is followed to its page.
      page.waitForResponse(
        (response) => response.request().isNavigationRequest() && response.frame() === page.mainFrame() && (response.status() < 300 || response.status() >= 400),
      ),
      action(),
    ]);
    await page.waitForLoadState('load');
    return response;
  }

  return {
    page,
    folder,
    reports,
    offsite,
    checkpoint,
    navigation,
    close: () => browser.close(),
  };
}

export type Browser = Awaited<ReturnType<typeof openBrowser>>;

/** One line per page for the run's summary. */
export function summary(reports: PageReport[], folder: string): string {
  const rows = reports.map((report) => {
    const weight = report.bytes === undefined ? 'n/a (email)' : `${(report.bytes / 1024).toFixed(1)} KB`;
    const axe = report.findings.length ? report.findings.map((finding) => `${finding.impact} ${finding.id}`).join(', ') : 'none';
    return `${report.name.padEnd(28)} ${String(report.status ?? '').padEnd(4)} ${weight.padEnd(12)} axe: ${axe}`;
  });
  return `Pages (status, document weight, axe violations):\n${rows.join('\n')}\nScreenshots: ${folder}`;
}
