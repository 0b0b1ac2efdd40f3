import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkEmail, type EmailFacts } from '../../scripts/lint/email-checks.js';
import { allFindings, ARTICLE_FILE, lintCourse } from '../../scripts/lint/lint-course.js';
import type { Filters } from '../../scripts/spam-filters.js';

/**
 * The lint reads each email as a reader receives it and places every finding at a file and line.
 * The real course is clean; each fault put into a copy is found where it was put.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;
const content = (name = '') => path.join(dir, 'content', name);
const edit = (file: string, change: (text: string) => string) => writeFileSync(file, change(readFileSync(file, 'utf8')));
const lineOf = (file: string, needle: string) => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
const lint = (extra = {}) => lintCourse({ contentDir: content(), templatesDir: path.join(dir, 'emails'), ...extra });
const short = (f: { file: string; line?: number; level: string; message: string }) => ({ ...f, file: path.basename(f.file) });

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'letgo-lint-'));
  cpSync(path.join(ROOT, 'content'), content(), { recursive: true });
  cpSync(path.join(ROOT, 'emails'), path.join(dir, 'emails'), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lint:course on the real course', () => {
  it('finds no error, gives each email its figures, and says what it skipped', async () => {
    const report = await lint();
    expect(report.emails.map((e) => e.item.id)).toEqual(expect.arrayContaining(['confirmation', 'day-01', 'day-21', 'data-delete']));
    expect(allFindings(report).filter((f) => f.level === 'error')).toEqual([]);
    const day1 = report.emails.find((e) => e.item.id === 'day-01');
    expect(day1?.figures).toMatchObject({ words: expect.any(Number), readingMinutes: 2, htmlBytes: expect.any(Number) });
    // The article sits beside the repository (as in CI); a clone without it skips that check, and says so.
    expect(report.skipped).toEqual([
      expect.stringMatching(/^spam scores: no SpamAssassin or rspamd was started/),
      ...(existsSync(ARTICLE_FILE) ? [] : [expect.stringMatching(/^copy check: the source article is not at/)]),
    ]);
  });

  it('says so, and skips only that check, when the source article is absent', async () => {
    const report = await lint({ articleFile: path.join(dir, 'no-article.txt') });
    expect(report.skipped).toContainEqual(expect.stringMatching(/^copy check: the source article is not at .*no-article\.txt/));
    expect(report.emails).toHaveLength(26);
  });
});

describe('lint:course finds each fault at its line', () => {
  it('a relative link, an image without alt text, a copied run of the article', async () => {
    const file = content('day-03.md');
    edit(file, (t) => `${t.trimEnd()}\n\nSee [the notes](/notes) when you can.\n\n<img src="https://example.com/tree.png">\n`);
    const article = path.join(dir, 'article.txt');
    writeFileSync(article, `Words first. ${readFileSync(file, 'utf8').split('\n').find((l) => l.split(' ').length > 12)}`);
    const report = await lint({ articleFile: article });
    const day3 = report.emails.find((e) => e.item.id === 'day-03');
    expect(day3?.findings.map(short)).toEqual(expect.arrayContaining([
      { level: 'error', file: 'day-03.md', line: lineOf(file, '/notes'), message: expect.stringMatching(/^link "\/notes" is not absolute/) },
      { level: 'error', file: 'day-03.md', line: lineOf(file, 'tree.png'), message: expect.stringMatching(/has no alt text/) },
    ]));
    expect(report.findings.map(short)).toEqual([
      expect.objectContaining({ level: 'error', file: 'day-03.md', message: expect.stringMatching(/^copies \d+ words in a row from the source article/) }),
    ]);
  });

  it('a template that drops the Today’s step box, at the template', async () => {
    const template = path.join(dir, 'emails', 'lesson.mjml');
    edit(template, (t) => t.replace('Today’s step</h2>', 'Your step</h2>'));
    const day1 = (await lint()).emails.find((e) => e.item.id === 'day-01');
    expect(day1?.findings.map(short)).toContainEqual(
      { level: 'error', file: 'lesson.mjml', line: 1, message: 'the html part has 0 "Today’s step" headings (a lesson has 1)' });
  });

  it('a spam score over the limit, from whatever filters are running', async () => {
    const verdict = { total: 6.2, counted: [{ rule: 'HTML_SHOUTING', score: 6.2 }], excluded: [] };
    const spam: Filters = { missing: ['rspamd (test)'], spamassassin: { name: 'SpamAssassin', score: async () => verdict }, stop: async () => undefined };
    const report = await lint({ spam });
    const complete = report.emails.find((e) => e.item.id === 'complete');
    expect(complete?.findings[0]).toMatchObject({ level: 'error', file: expect.stringMatching(/complete\.mjml$/), line: 1, message: 'SpamAssassin scores it 6.20 HTML_SHOUTING(6.2) (at most 0.5)' });
    expect(report.skipped).toContain('spam scores by rspamd (test): not installed');
  });

  it('the build’s own errors, with their lines, and nothing else to check', async () => {
    edit(content('day-07.md'), (t) => t.replace(/^subject: .*$/m, 'subject: "Getting over the breakup"'));
    const report = await lint();
    expect(report.emails).toEqual([]);
    expect(report.findings.map(short)).toEqual([
      { level: 'error', file: 'day-07.md', line: lineOf(content('day-07.md'), 'subject:'), message: expect.stringMatching(/"subject" shows "breakup" on a lock screen/) },
    ]);
  });
});

describe('the checks on one email', () => {
  const facts = (patch: Partial<EmailFacts>): EmailFacts => ({
    kind: 'notice', subject: 'A calm subject for a notice', preheader: 'A preview line long enough to fill the inbox.',
    compiled: { html: '', text: '' }, sent: { html: '', text: '' }, home: { file: 'emails/x.mjml', line: 1 },
    sources: [{ file: 'emails/x.mjml', text: 'line one\n<a href="{{helpUrl}}">Help</a>\n' }], serviceOrigin: 'https://svc.example', ...patch,
  });

  it('refuses a link of the service to a route that does not exist, at the template line of its placeholder', () => {
    const found = checkEmail(facts({
      compiled: { html: '<a href="{{helpUrl}}">Help</a> <a href="https://svc.example/safety">Safety</a>', text: '' },
      sent: { html: '<a href="https://svc.example/help?t=x">Help</a> <a href="https://svc.example/safety">Safety</a>', text: '' },
    }));
    expect(found).toEqual([{ level: 'error', file: 'emails/x.mjml', line: 2, message: expect.stringMatching(/points at \/help, which is no route of the service/) }]);
  });

  it('warns near Gmail’s clip and refuses past it; warns on a long subject; refuses a telling one', () => {
    const big = (kb: number) => facts({ sent: { html: 'x'.repeat(kb * 1000), text: '' } });
    expect(checkEmail(big(90)).map((f) => f.level)).toEqual(['warning']);
    expect(checkEmail(big(103))).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/Gmail clips it/) })]);
    expect(checkEmail(facts({ subject: 'A subject that runs on a little past forty' }))).toEqual([
      expect.objectContaining({ level: 'warning', message: expect.stringMatching(/lock screen cuts it after about 40/) }),
    ]);
    expect(checkEmail(facts({ subject: 'About your ex' }))).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/shows "ex" on a lock screen/) })]);
  });
});
