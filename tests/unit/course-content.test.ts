// The real course in content/ (issue 12): what a careful reader needs, where they need it.
// The build checks the form of every lesson (scripts/course-checks.ts); these check the course's order and safety.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadCourse, toLessons, validateCourse } from '../../scripts/course.js';

describe('the course in content/', () => {
  const loaded = loadCourse(path.resolve(import.meta.dirname, '../../content'));
  const lessons = toLessons(loaded.lessons);
  const body = (day: number): string => lessons.find((l) => l.day === day)?.body ?? '';
  const daysWhere = (pattern: RegExp): number[] => lessons.filter((l) => pattern.test(l.body)).map((l) => l.day);

  it('passes every build check', () => {
    expect([...loaded.errors, ...validateCourse(loaded.lessons, loaded.sections, loaded.sectionsFile)]).toEqual([]);
  });
  it('puts safety first on day 1: not for emergencies, the local emergency number, an international directory, the Safety link', () => {
    expect(body(1)).toMatch(/not an emergency service/);
    expect(body(1)).toMatch(/hurting you, threatening you or following you/);
    expect(body(1)).toMatch(/local emergency number/);
    expect(body(1)).toContain('[Find A Helpline](https://findahelpline.com)');
    expect(body(1)).toMatch(/Safety link at the foot of every/);
    // No single country's numbers: the directory and the safety page find the reader's own.
    expect(daysWhere(/\b(?:911|999|112|988|000|111|116 ?\d{3})\b/)).toEqual([]);
  });
  it('defines no contact by day 2: likes, story views and messages through friends count', () => {
    expect(body(2)).toMatch(/likes, comments and reactions/);
    expect(body(2)).toMatch(/watching their stories/);
    expect(body(2)).toMatch(/passed along through friends/);
  });
  it('bends the rule where it must: day 2 points to low contact and to safety; day 3 covers children and a shared home', () => {
    expect(body(2)).toMatch(/Tomorrow’s lesson shows how to keep it low/);
    expect(body(2)).toMatch(/day 6 is about steady, work-only contact/);
    expect(body(2)).toMatch(/When it isn’t safe[\s\S]*Safety link/);
    for (const part of [/one written channel/i, /brief, factual, friendly-neutral/i, /parallel parenting/i, /handovers/i, /lease/, /If it isn’t safe/]) {
      expect(body(3)).toMatch(part);
    }
    expect(daysWhere(/work contact only/)).toEqual([6]);
  });
  it('explains the restart button once, in the first week', () => {
    const days = daysWhere(/“I broke no contact: restart from day 1”/);
    expect(days).toHaveLength(1);
    expect(days[0]).toBeGreaterThanOrEqual(3);
    expect(days[0]).toBeLessThanOrEqual(7);
    // Later lessons link back to it; only day 21 (the course is over) offers the course again.
    expect(daysWhere(/restart|Preferences link/i).filter((d) => d !== days[0] && d !== 21)).toEqual([]);
  });
  it('makes no promise about the other person more than once, and never sells absence as a tactic', () => {
    expect(daysWhere(/\bpromise/i)).toEqual([1]);
    expect(daysWhere(/see what they had|feel your absence|realise what they|gaps get noticed/i)).toEqual([]);
  });
  it('names the hardest reader question plainly, with a sexual-health check and one trusted person', () => {
    const days = daysWhere(/he slept with someone else/);
    expect(days).toHaveLength(1);
    const lesson = lessons.find((l) => l.day === days[0])!;
    expect(lesson.body).toMatch(/didn’t tell her/);
    expect(`${lesson.body}\n${lesson.action}`).toMatch(/sexual-health check/);
    expect(`${lesson.body}\n${lesson.action}`).toMatch(/one person you trust/);
    expect(lesson.section).toBe('reader-questions');
  });
  it('answers the reader who asked how to be desired again, without blame', () => {
    expect(daysWhere(/he watches porn/)).toHaveLength(1);
    expect(daysWhere(/rarely a verdict on your body or your worth/)).toHaveLength(1);
  });
});
