import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBuilder, type DevState } from '../../scripts/dev/builder.js';
import { darkCopy, darkRules } from '../../scripts/dev/dark.js';
import { watchDirs } from '../../scripts/dev/watch.js';
import { compiledCourse } from '../support/fixtures.js';

/** The dev server's parts without a browser: dark mode, rebuilding on saves, the watcher. */
const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;
const content = (name = '') => path.join(dir, 'content', name);
const edit = (file: string, change: (text: string) => string) => writeFileSync(file, change(readFileSync(file, 'utf8')));

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'letgo-devunit-'));
  cpSync(path.join(ROOT, 'content'), content(), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('dark mode on the dev page', () => {
  it('takes the email’s own dark rules out of their @media block and applies them always', () => {
    const html = compiledCourse.lessons[0]!.html;
    const rules = darkRules(html);
    expect(rules).toContain('.lg-card, .lg-card > table { background-color: #1b1f1d !important; }');
    expect(rules).not.toContain('@media');
    expect(rules).not.toContain('max-width: 600px');
    const copy = darkCopy(html) ?? '';
    expect(copy.indexOf('<style data-dev="dark">')).toBeLessThan(copy.indexOf('</head>'));
    expect(copy).toContain(':root { color-scheme: dark; }');
  });

  it('nests braces correctly and says when an email has no dark CSS', () => {
    const css = '<style>@media (prefers-color-scheme: dark) { a { color: red; } @supports (x: y) { b { color: blue; } } } c { color: green; }</style>';
    expect(darkRules(css)).toBe('a { color: red; } @supports (x: y) { b { color: blue; } }');
    expect(darkCopy('<html><head><style>p { color: black; }</style></head></html>')).toBeUndefined();
  });
});

describe('the dev builder', () => {
  const builder = () => createBuilder({ contentDir: content(), templatesDir: path.join(ROOT, 'emails') });

  it('keeps the last build that worked under the errors of a broken one, then clears them', async () => {
    const b = builder();
    const seen: number[] = [];
    b.onChange((state: DevState) => seen.push(state.version));
    await b.rebuild();
    const good = b.current();
    expect(good.version).toBe(1);
    expect(good.problems).toBeUndefined();
    expect(good.report?.emails).toHaveLength(26);
    edit(content('day-02.md'), (t) => t.replace(/^day: 2$/m, 'day: two'));
    await b.rebuild();
    expect(b.current().report).toBe(good.report);
    expect(b.current().problems).toEqual([expect.objectContaining({ file: expect.stringMatching(/day-02\.md$/), line: 2, message: '"day" must be an integer, got "two"' })]);
    edit(content('day-02.md'), (t) => t.replace(/^day: two$/m, 'day: 2'));
    await b.rebuild();
    expect(b.current().problems).toBeUndefined();
    expect(seen).toEqual([1, 2, 3]);
  });

  it('coalesces saves that come during a build into one more build', async () => {
    const b = builder();
    await b.rebuild();
    const during = [b.rebuild(), b.rebuild(), b.rebuild()];
    await Promise.all(during);
    // The first starts a build; the two that came while it ran ask for one build after it.
    expect(b.current().version).toBe(3);
  });

  it('reuses an unchanged email’s report and rebuilds a changed one', async () => {
    const b = builder();
    await b.rebuild();
    const before = b.current().report!;
    edit(content('day-05.md'), (t) => t.replace(/^subject: .*$/m, 'subject: "A new subject for day five"'));
    await b.rebuild();
    const after = b.current().report!;
    const pick = (r: typeof before, id: string) => r.emails.find((e) => e.item.id === id)!;
    expect(pick(after, 'day-04').sent).toBe(pick(before, 'day-04').sent);
    expect(pick(after, 'day-05').sent).not.toBe(pick(before, 'day-05').sent);
    expect(pick(after, 'day-05').item.email.subject).toBe('A new subject for day five');
  });
});

describe('the watcher', () => {
  it('reports a burst of saves once, after it is over', async () => {
    const calls: string[][] = [];
    const watcher = watchDirs([content()], (files) => calls.push(files), 80);
    try {
      for (let i = 0; i < 3; i++) edit(content('day-01.md'), (t) => `${t}\n`);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(calls).toHaveLength(1);
      expect(calls[0]).toContain(content('day-01.md'));
    } finally {
      watcher.close();
    }
  });
});
