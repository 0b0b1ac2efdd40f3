import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import matter from 'gray-matter';
import type { CompiledCourse } from '../../functions/core/message.js';
import { linksOf } from '../support/fixtures.js';
import { courseRun } from '../support/reader-run.js';

/**
 * An author's own course of another length: five lessons in a folder of their own, built by the
 * command line as a deploy builds it, then taken end to end. Nothing may assume 21 days.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const DAYS = 5;
let dir: string;
let course: CompiledCourse;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'letgo-five-'));
  const used = new Set<string>();
  for (let day = 1; day <= DAYS; day++) {
    const name = `day-${String(day).padStart(2, '0')}.md`;
    copyFileSync(path.join(ROOT, 'content', name), path.join(dir, name));
    used.add(String(matter(readFileSync(path.join(dir, name), 'utf8'), {}).data.section));
  }
  // Every section must be used by some lesson: this course draws on the first lessons' ones only.
  const sections = (JSON.parse(readFileSync(path.join(ROOT, 'content', 'sections.json'), 'utf8')) as Array<{ id: string }>)
    .filter((s) => used.has(s.id));
  writeFileSync(path.join(dir, 'sections.json'), JSON.stringify(sections));
  const out = path.join(dir, 'build', 'emails.json');
  const build = spawnSync('npx', ['tsx', 'scripts/build-emails.ts', '--content', dir, '--out', out], { cwd: ROOT, encoding: 'utf8' });
  expect(build.stderr).toBe('');
  expect(build.status).toBe(0);
  course = JSON.parse(readFileSync(out, 'utf8')) as CompiledCourse;
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a five-lesson course', () => {
  it('is built with its own length in every email', () => {
    expect(course.totalDays).toBe(DAYS);
    expect(course.lessons.map((l) => l.day)).toEqual([1, 2, 3, 4, 5]);
    for (const lesson of course.lessons) {
      expect(lesson.text.startsWith(`Day ${lesson.day} of ${DAYS}\n`)).toBe(true);
      expect(lesson.html).toContain(`width: ${(lesson.day / DAYS) * 100}%`);
    }
    // The lessons' own words are the author's; what the templates and the build add follows the length.
    for (const email of [course.confirmation, course.alreadyEnrolled, course.complete]) {
      expect(`${email.subject}\n${email.preheader}\n${email.text}\n${email.html}`).not.toMatch(/\b21\b|three weeks|twenty-one/i);
    }
    for (const lesson of course.lessons) expect(lesson.text).toContain(`Let Go’s ${DAYS}-day course`);
    expect(course.complete.text).toContain(`all ${DAYS} days`);
    expect(course.confirmation.subject).toBe(`Confirm your ${DAYS}-day Let Go course`);
  });

  it('is taken end to end: subscribe, confirm, five passes, completed, nothing on day 6', async () => {
    const zone = 'Europe/Berlin';
    const email = 'five.days@example.com';
    const run = await courseRun(course, '2026-06-01T10:00:00Z', zone);
    const start = await run.takeCourse(email);
    for (let day = 2; day <= DAYS; day++) expect(await run.passOnDay(start, day), `day ${day}`).toMatchObject({ sent: 1, failed: 0 });
    const record = await run.deps.store.get(email);
    expect(record).toMatchObject({ status: 'completed' });
    expect(record?.sends.map((s) => s.day)).toEqual([1, 2, 3, 4, 5]);
    for (let day = DAYS + 1; day <= DAYS + 3; day++) expect((await run.passOnDay(start, day)).sent).toBe(0);

    const lessons = await run.lessonsFor(email);
    expect(lessons.map((m) => m.subject)).toEqual(course.lessons.map((l) => l.subject));
    lessons.forEach((mail, i) => expect(mail.text).toContain(`Day ${i + 1} of ${DAYS}`));
    // The preferences page counts this course's days.
    const page = await (await run.app.request(`/preferences?t=${linksOf(record!).preferences}`)).text();
    expect(page).toContain(`You finished all ${DAYS} days.`);
  });
});
