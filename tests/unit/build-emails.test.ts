import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildEmails, type BuildResult } from '../../scripts/build-emails.js';
import { LOCK_SCREEN_WORDS, WORDS, countWords } from '../../scripts/course-checks.js';
import {
  markdownToText, validateCourse, type CompiledCourse, type CompiledEmail, type LessonSource, type Section,
} from '../../scripts/course.js';

const SECTIONS: Section[] = [
  { id: 'noticing', title: 'Noticing' },
  { id: 'loosening', title: 'Loosening' },
  { id: 'living', title: 'Living lighter' },
];
const pad = (n: number): string => String(n).padStart(2, '0');
const sectionFor = (day: number): string => (day <= 7 ? 'noticing' : day <= 14 ? 'loosening' : 'living');
const BODY = [
  'Some things we hold because we *chose* them; others stayed & we never asked why.',
  '## Why it matters',
  'A short paragraph with a [link](https://example.com/read?a=1&b=2).',
  '- first point\n- second point with **emphasis**',
  // Lessons are 250 to 500 words; this brings the fixture to 264.
  Array.from({ length: 30 }, (_, i) => `Sentence ${i + 1} keeps the lesson long enough here.`).join(' '),
].join('\n\n');

function fixtureLessons(dir = 'content'): LessonSource[] {
  return Array.from({ length: 21 }, (_, i) => {
    const day = i + 1;
    return {
      file: `${dir}/day-${pad(day)}.md`,
      data: {
        day,
        subject: `Day ${day}: letting go & <starting>`,
        preheader: `A short preview for day ${day}.`,
        section: sectionFor(day),
        action: `Write down one thing you can put down today (day ${day}).`,
      },
      body: BODY,
    };
  });
}

function toMarkdownFile(l: LessonSource): string {
  const yaml = Object.entries(l.data).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n');
  return `---\n${yaml}\n---\n\n${l.body}\n`;
}

function writeFixture(dir: string, lessons: LessonSource[], sections: Section[] = SECTIONS): void {
  writeFileSync(path.join(dir, 'sections.json'), JSON.stringify(sections));
  for (const l of lessons) writeFileSync(path.join(dir, path.basename(l.file)), toMarkdownFile(l));
}

const errorsFor = (lessons: LessonSource[], sections: Section[] = SECTIONS): string[] =>
  validateCourse(lessons, sections, 'content/sections.json');
const withLesson = (day: number, patch: (l: LessonSource) => LessonSource): LessonSource[] =>
  fixtureLessons().map((l) => (l.data.day === day ? patch(l) : l));

describe('validateCourse', () => {
  it('accepts a valid 21-lesson course', () => {
    expect(errorsFor(fixtureLessons())).toEqual([]);
  });
  it('reports a missing day, naming the file', () => {
    const errors = errorsFor(fixtureLessons().filter((l) => l.data.day !== 7));
    expect(errors).toEqual([expect.stringContaining('content/day-07.md')]);
    expect(errors[0]).toMatch(/missing/);
  });
  it('reports a repeated day', () => {
    const lessons = [...fixtureLessons(), { ...fixtureLessons()[2]!, file: 'content/day-3.md' }];
    const errors = errorsFor(lessons);
    expect(errors.some((e) => e.includes('content/day-3.md') && /repeated/.test(e))).toBe(true);
  });
  it('takes a course of any length from 1 to 60 lessons: a day 22 makes 22 days', () => {
    const extra: LessonSource = { ...fixtureLessons()[0]!, file: 'content/day-22.md' };
    extra.data = { ...extra.data, day: 22 };
    expect(errorsFor([...fixtureLessons(), extra])).toEqual([]);
    expect(errorsFor(fixtureLessons().slice(0, 1), SECTIONS.slice(0, 1))).toEqual([]);
    const sixty = Array.from({ length: 60 }, (_, i) => ({ ...fixtureLessons()[i % 21]!, file: `content/day-${pad(i + 1)}.md` }))
      .map((l, i) => ({ ...l, data: { ...l.data, day: i + 1 } }));
    expect(errorsFor(sixty)).toEqual([]);
  });
  it('reports a gap in the days, naming the missing file', () => {
    const extra: LessonSource = { ...fixtureLessons()[0]!, file: 'content/day-23.md' };
    extra.data = { ...extra.data, day: 23 };
    expect(errorsFor([...fixtureLessons(), extra])).toEqual(['content/day-22.md: missing (no lesson for day 22)']);
  });
  it('refuses a day past 60 and a course with no lessons', () => {
    const extra: LessonSource = { ...fixtureLessons()[0]!, file: 'content/day-61.md' };
    extra.data = { ...extra.data, day: 61 };
    expect(errorsFor([...fixtureLessons(), extra])).toEqual([expect.stringMatching(/content\/day-61\.md.*outside 1\.\.60/)]);
    expect(errorsFor([], [])).toEqual([expect.stringMatching(/^content\/day-01\.md: missing \(a course has 1 to 60 lessons/)]);
  });
  it('reports a file name that does not match its day', () => {
    const lessons = withLesson(5, (l) => ({ ...l, data: { ...l.data, day: 6 } }));
    const errors = errorsFor(lessons);
    expect(errors.some((e) => e.startsWith('content/day-05.md') && /does not match day 6/.test(e))).toBe(true);
  });
  it('reports a missing subject', () => {
    const errors = errorsFor(withLesson(4, (l) => ({ ...l, data: { ...l.data, subject: undefined } })));
    expect(errors).toEqual([expect.stringMatching(/content\/day-04\.md.*"subject" is missing/)]);
  });
  it('reports an empty or too-long subject, preheader or action', () => {
    expect(errorsFor(withLesson(9, (l) => ({ ...l, data: { ...l.data, subject: '  ' } }))))
      .toEqual([expect.stringMatching(/content\/day-09\.md.*"subject" is empty/)]);
    expect(errorsFor(withLesson(9, (l) => ({ ...l, data: { ...l.data, subject: 'x'.repeat(51) } }))))
      .toEqual([expect.stringMatching(/content\/day-09\.md.*"subject" is too long/)]);
    expect(errorsFor(withLesson(9, (l) => ({ ...l, data: { ...l.data, preheader: 'x'.repeat(91) } }))))
      .toEqual([expect.stringMatching(/content\/day-09\.md.*"preheader" is too long/)]);
    expect(errorsFor(withLesson(9, (l) => ({ ...l, data: { ...l.data, action: 'x'.repeat(201) } }))))
      .toEqual([expect.stringMatching(/content\/day-09\.md.*"action" is too long/)]);
  });
  it('reports an unknown section', () => {
    const errors = errorsFor(withLesson(12, (l) => ({ ...l, data: { ...l.data, section: 'nope' } })));
    expect(errors).toEqual([expect.stringMatching(/content\/day-12\.md.*unknown section "nope"/)]);
  });
  it('reports a section used by no lesson, naming the section', () => {
    const errors = errorsFor(fixtureLessons(), [...SECTIONS, { id: 'unused', title: 'Unused' }]);
    expect(errors).toEqual([expect.stringMatching(/content\/sections\.json.*"unused" is used by no lesson/)]);
  });
  it('rejects "{{" in lesson content (reserved for send-time placeholders)', () => {
    const errors = errorsFor(withLesson(2, (l) => ({ ...l, body: `${BODY}\n\nHello {{name}}` })));
    expect(errors).toEqual([expect.stringContaining('content/day-02.md')]);
  });
});

describe('validateCourse: writing checks', () => {
  const words = (n: number): string => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');
  const withField = (day: number, field: string, value: string): LessonSource[] =>
    withLesson(day, (l) => ({ ...l, data: { ...l.data, [field]: value } }));
  const withBody = (day: number, body: string): LessonSource[] => withLesson(day, (l) => ({ ...l, body }));

  it('keeps the fixture inside the word range', () => {
    const count = countWords(markdownToText(BODY));
    expect(count).toBeGreaterThanOrEqual(WORDS.min);
    expect(count).toBeLessThanOrEqual(WORDS.max);
  });
  it('counts words as the reader sees them: markdown marks and a lone "&" are not words', () => {
    expect(countWords(markdownToText('**Bold** words & a [link](https://example.com/x)'))).toBe(5);
  });
  it('accepts a body of 250 or 500 words and names the file of one with 249 or 501', () => {
    expect(errorsFor(withBody(6, words(250)))).toEqual([]);
    expect(errorsFor(withBody(6, words(500)))).toEqual([]);
    expect(errorsFor(withBody(6, words(249))))
      .toEqual([expect.stringMatching(/^content\/day-06\.md: the body has 249 words \(keep it between 250 and 500\)/)]);
    expect(errorsFor(withBody(6, `## Heading\n\n${words(500)}`)))
      .toEqual([expect.stringMatching(/^content\/day-06\.md: the body has 501 words/)]);
  });
  it('rejects a subject ending with "?", also before a closing quote, but not one with a "?" inside', () => {
    expect(errorsFor(withField(3, 'subject', 'Ready for today?')))
      .toEqual([expect.stringMatching(/^content\/day-03\.md: "subject" ends with "\?"/)]);
    expect(errorsFor(withField(3, 'subject', 'The question “why me?”  '))).toHaveLength(1);
    expect(errorsFor(withField(3, 'subject', 'Why? Because you matter'))).toEqual([]);
    expect(errorsFor(withField(3, 'preheader', 'A question for the preview?'))).toEqual([]);
  });
  it.each([
    ['subject', 'After the breakup'], ['subject', 'Your EX and you'], ['preheader', 'Why a break-up hurts'],
    ['preheader', 'Day 3 of No Contact'], ['preheader', 'When they broke up with you'], ['subject', 'If he cheated'],
    ['preheader', 'Cheating and what it means'], ['subject', 'Heartbreak, gently'], ['preheader', 'Getting dumped'],
    ['preheader', 'Deleting a number or unfollowing is fine'], ['subject', 'No-contact, day 2'], ['subject', 'An ex’s birthday'],
  ])('refuses a lock-screen word in the %s "%s", naming the file and the word', (field, value) => {
    const errors = errorsFor(withField(14, field, value));
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^content/day-14\\.md: "${field}" shows "[^"]+" on a lock screen`))]);
  });
  it('matches lock-screen words as whole words only', () => {
    for (const value of ['Exercise, expectations and next steps', 'A complex day', 'Breakfast first', 'Contact your doctor']) {
      expect(errorsFor(withField(14, 'subject', value)), value).toEqual([]);
      expect(errorsFor(withField(14, 'preheader', value)), value).toEqual([]);
    }
    expect(LOCK_SCREEN_WORDS.length).toBeGreaterThan(10);
  });
  it('rejects a body with its own "Today’s step" or a sign-off (the layout does both)', () => {
    for (const step of ['## Today’s step\n\nDo this.', "**Today's step:** do this.", 'TODAY’S STEP']) {
      expect(errorsFor(withBody(8, `${BODY}\n\n${step}`)), step)
        .toEqual([expect.stringMatching(/^content\/day-08\.md: the body has its own "Today’s step"/)]);
    }
    expect(errorsFor(withBody(8, `${BODY}\n\nToday’s step may feel hard, and that is fine.`))).toEqual([]);
    for (const signOff of ['— Let Go', '– Sam', '-- Sam', 'Warmly,', 'With love']) {
      expect(errorsFor(withBody(8, `${BODY}\n\n${signOff}`)), signOff)
        .toEqual([expect.stringMatching(/^content\/day-08\.md: the body ends with a sign-off/)]);
    }
    expect(errorsFor(withBody(8, `${BODY}\n\n- a list item ends it\n- and is not a sign-off`))).toEqual([]);
  });
  it('keeps one voice: a lesson writing "do not" in a contracted course is named, with the fix', () => {
    const lessons = fixtureLessons().map((l) => ({ ...l, body: `${l.body}\n\nYou don’t have to, and it isn't late.` }));
    expect(errorsFor(lessons)).toEqual([]);
    lessons[4] = { ...lessons[4]!, data: { ...lessons[4]!.data, preheader: 'You cannot rush it; it is not a race.' } };
    expect(errorsFor(lessons)).toEqual([
      'content/day-05.md: breaks the course\'s contracted voice: "cannot" (write "can’t"), "is not" (write "isn’t")',
    ]);
  });
  it('keeps one voice the other way round, and reads a Title Case "Do Not Disturb" as a name', () => {
    const lessons = fixtureLessons().map((l) => ({ ...l, body: `${l.body}\n\nYou do not have to. Turn on Do Not Disturb.` }));
    expect(errorsFor(lessons)).toEqual([]);
    lessons[0] = { ...lessons[0]!, body: `${lessons[0]!.body}\n\nIt won't last.` };
    expect(errorsFor(lessons)).toEqual(['content/day-01.md: breaks the course\'s written-out voice: "won\'t" (write "will not")']);
  });
});

describe('markdownToText', () => {
  it('keeps markdown readable without HTML', () => {
    const text = markdownToText(BODY);
    expect(text).toContain('others stayed & we never asked why.');
    expect(text).toContain('\n\nWHY IT MATTERS\n\n');
    expect(text).toContain('A short paragraph with a link.\nhttps://example.com/read?a=1&b=2\n');
    expect(text).toContain('- first point\n- second point with emphasis');
    expect(text).not.toMatch(/<[a-z]/i);
  });
});

const ALLOWED: Record<string, string[]> = {
  confirmation: ['greeting', 'confirmUrl', 'safetyUrl', 'unsubscribeUrl'],
  alreadyEnrolled: ['greeting', 'preferencesUrl', 'authorName', 'safetyUrl', 'unsubscribeUrl'],
  complete: ['greeting', 'preferencesUrl', 'authorName', 'safetyUrl', 'unsubscribeUrl'],
  lesson: ['greeting', 'preferencesUrl', 'helpfulYesUrl', 'helpfulNoUrl', 'authorName', 'safetyUrl', 'unsubscribeUrl'],
};
function expectOnlyPlaceholders(content: string, allowed: string[]): void {
  const rest = content.replace(/\{\{(\w+)\}\}/g, (m, name: string) => (allowed.includes(name) ? '' : m));
  expect(rest).not.toContain('{{');
  expect(rest).not.toContain('}}');
}

describe('build', () => {
  let dir: string;
  let result: BuildResult;
  let course: CompiledCourse;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'letgo-build-'));
    writeFixture(dir, fixtureLessons(dir));
    result = await buildEmails({ contentDir: dir, outFile: path.join(dir, 'out', 'emails.json') });
    course = JSON.parse(readFileSync(path.join(dir, 'out', 'emails.json'), 'utf8')) as CompiledCourse;
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the CompiledCourse shape', () => {
    expect(result.count).toBe(29);
    expect(Object.keys(course).sort()).toEqual(
      ['alert', 'alreadyEnrolled', 'complete', 'confirmation', 'dataDelete', 'dataExport', 'digest', 'lessons', 'signin', 'totalDays', 'version'],
    );
    expect(course.version).toBe(1);
    expect(course.totalDays).toBe(21);
    for (const e of [course.confirmation, course.alreadyEnrolled, course.complete, course.dataExport, course.dataDelete, course.signin, course.digest!, course.alert!]) {
      expect(Object.keys(e).sort()).toEqual(['html', 'preheader', 'subject', 'text']);
      expect(e.subject.length).toBeLessThanOrEqual(50);
    }
    expect(course.confirmation.subject).toBe('Confirm your 21-day Let Go course');
    expect(course.lessons.map((l) => l.day)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    const l3 = course.lessons[2]!;
    expect(Object.keys(l3).sort()).toEqual(['action', 'day', 'html', 'preheader', 'section', 'subject', 'text']);
    expect(l3).toMatchObject({ day: 3, section: 'noticing', subject: 'Day 3: letting go & <starting>' });
  });

  it('puts the right placeholders, and only those, in every email', () => {
    const all: Array<[string, CompiledEmail]> = [
      ['confirmation', course.confirmation], ['alreadyEnrolled', course.alreadyEnrolled],
      ['complete', course.complete], ...course.lessons.map((l): [string, CompiledEmail] => ['lesson', l]),
    ];
    for (const [kind, e] of all) {
      const allowed = ALLOWED[kind]!;
      for (const part of [e.html, e.text]) {
        for (const name of allowed) expect(part).toContain(`{{${name}}}`);
        expectOnlyPlaceholders(part, allowed);
      }
      expectOnlyPlaceholders(e.subject, []);
      expect(e.html).toContain('href="{{unsubscribeUrl}}"');
      expect(e.html).toContain('<html lang="en"');
      expect(e.html).toContain(e.preheader.replace(/&/g, '&amp;'));
      expect(e.html).not.toMatch(/<img|<link|@import|googleapis|\[\[/);
      expect(Buffer.byteLength(e.html)).toBeLessThan(102 * 1000);
    }
    expect(course.confirmation.html).toContain('href="{{confirmUrl}}"');
    expect(course.confirmation.html).toContain('Confirm my subscription');
    expect(course.confirmation.html).toContain("If you didn’t sign up, ignore this email; nothing more will be sent.");
    expect(course.confirmation.html).not.toContain('Preferences');
  });

  it('bakes each lesson into its html and text', () => {
    for (const l of course.lessons) {
      expect(l.html).toContain(`Day ${l.day} of 21`);
      expect(l.html).toContain('href="{{preferencesUrl}}"');
      expect(l.html).toContain('Today’s step');
      expect(l.html).toContain(`Day ${l.day}: letting go &amp; &lt;starting&gt;`);
      expect(l.html).toMatch(/<h2 style="[^"]*">Why it matters<\/h2>/);
      expect(l.text.startsWith(`Day ${l.day} of 21\n\nDay ${l.day}: letting go & <starting>\n`)).toBe(true);
      expect(l.text).toContain('\n\n{{greeting}}\n\n');
      expect(l.text).toContain(`TODAY’S STEP\n\n${l.action}`);
      expect(l.text).toContain('Preferences (pause, change the time, or restart from Day 1):\n{{preferencesUrl}}');
      expect(l.text).toContain('Unsubscribe:\n{{unsubscribeUrl}}');
      expect(l.text).not.toMatch(/<\/?(p|a|h\d|ul|ol|li|em|strong|br|div|table)\b/i);
    }
    expect(course.lessons[20]!.html).toMatch(/width="100%"[^>]*class="lg-fill"/);
  });

  it('exits non-zero and names the file when the course is broken', () => {
    rmSync(path.join(dir, 'day-08.md'));
    writeFileSync(path.join(dir, 'day-09.md'), toMarkdownFile({
      ...fixtureLessons()[8]!, data: { ...fixtureLessons()[8]!.data, section: 'unknown-section' },
    }));
    const run = spawnSync('npx', ['tsx', 'scripts/build-emails.ts', '--content', dir, '--out', path.join(dir, 'bad.json')], {
      cwd: path.resolve(import.meta.dirname, '../..'), encoding: 'utf8',
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('day-08.md');
    expect(run.stderr).toMatch(/day-09\.md.*unknown section "unknown-section"/);
  }, 60_000);
});
