import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileCourse } from '../../scripts/build-emails.js';
import { CourseError, parseFinding, type Finding } from '../../scripts/findings.js';

/**
 * A broken file is named with its line, as an editor can jump to it: front matter that YAML
 * cannot read, a field the build refuses, a body that repeats the layout, an MJML template
 * that MJML refuses (its line in the assembled email traced back to the template it came from).
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;
const content = () => path.join(dir, 'content');
const templates = () => path.join(dir, 'emails');
const edit = (file: string, change: (text: string) => string) => writeFileSync(file, change(readFileSync(file, 'utf8')));

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'letgo-lines-'));
  cpSync(path.join(ROOT, 'content'), content(), { recursive: true });
  cpSync(path.join(ROOT, 'emails'), templates(), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function findings(): Promise<Finding[]> {
  try {
    await compileCourse({ contentDir: content(), templatesDir: templates() });
  } catch (error) {
    if (error instanceof CourseError) return error.findings;
    throw error;
  }
  throw new Error('the course built');
}
const named = (list: Finding[]) => list.map((f) => ({ file: path.basename(f.file), line: f.line, message: f.message }));

describe('build errors name file and line', () => {
  it('front matter YAML cannot read', async () => {
    edit(path.join(content(), 'day-04.md'), (t) => t.replace(/^section: (.*)$/m, 'section: $1\n  - not: a list'));
    expect(named(await findings())).toEqual([{ file: 'day-04.md', line: 6, message: 'cannot parse front matter (bad indentation of a mapping entry)' }]);
  });

  it('a field the build refuses, at the line of its key', async () => {
    edit(path.join(content(), 'day-09.md'), (t) => t.replace(/^subject: .*$/m, `subject: "${'A very long subject line '.repeat(3)}"`));
    const line = readFileSync(path.join(content(), 'day-09.md'), 'utf8').split('\n').findIndex((l) => l.startsWith('subject:')) + 1;
    expect(named(await findings())).toEqual([{ file: 'day-09.md', line, message: expect.stringMatching(/^"subject" is too long/) }]);
  });

  it('a body with its own "Today’s step", at that line', async () => {
    const file = path.join(content(), 'day-12.md');
    edit(file, (t) => `${t.trimEnd()}\n\n## Today’s step\n\nDo it twice.\n`);
    const line = readFileSync(file, 'utf8').split('\n').indexOf('## Today’s step') + 1;
    expect(named(await findings())).toContainEqual({ file: 'day-12.md', line, message: expect.stringMatching(/own "Today’s step"/) });
  });

  it('an MJML error in a template, at the template’s line, not the assembled email’s', async () => {
    const file = path.join(templates(), 'lesson.mjml');
    edit(file, (t) => t.replace('<mj-text padding="0 0 24px">', '<mj-text padding="0 0 24px" colour="red">'));
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('colour="red"')) + 1;
    const found = named(await findings());
    expect(found[0]).toEqual({ file: 'lesson.mjml', line, message: expect.stringMatching(/^<mj-text> Attribute colour is illegal \(in .*day-\d\d\.md\)$/) });
  });

  it('an MJML error in the layout and an unknown build token, each at its own line', async () => {
    const layout = path.join(templates(), 'layout.mjml');
    edit(layout, (t) => t.replace('<mj-wrapper>', '<mj-wrapper>\n<mj-bogus />'));
    const line = readFileSync(layout, 'utf8').split('\n').indexOf('<mj-bogus />') + 1;
    expect(named(await findings())[0]).toMatchObject({ file: 'layout.mjml', line, message: expect.stringMatching(/mj-bogus/) });
    edit(layout, (t) => t.replace('<mj-bogus />', '[[nope]]'));
    expect(named(await findings())).toEqual([{ file: 'layout.mjml', line, message: 'unknown build token [[nope]]' }]);
  });

  it('reads back the file:line: message form every check writes', () => {
    expect(parseFinding('content/day-01.md:7: "subject" is empty')).toEqual({ level: 'error', file: 'content/day-01.md', line: 7, message: '"subject" is empty' });
    expect(parseFinding('content/sections.json: section "x" is used by no lesson', 'warning'))
      .toEqual({ level: 'warning', file: 'content/sections.json', message: 'section "x" is used by no lesson' });
  });
});
