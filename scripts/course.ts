// Course model for "Let Go": validate the lessons loaded from content/ (pure). Loading is in
// course-load.ts, markdown rendering in markdown.ts; both are re-exported here.
import path from 'node:path';
import {
  checkBodyLeavesFrameToLayout, checkContractions, checkLockScreen, checkSubjectEnding, checkWordCount,
} from './course-checks.js';
import { lineIn, type LessonSource } from './course-load.js';
import { at } from './findings.js';
import { markdownToText } from './markdown.js';

export { display, lineIn, loadCourse, sourceLines, type LessonSource, type LoadedCourse } from './course-load.js';
export { decodeEntities, markdownToHtml, markdownToText } from './markdown.js';

export type { CompiledCourse, CompiledEmail, CompiledLesson } from '../functions/core/message.js';
export const LIMITS = { subject: 50, preheader: 90, action: 200 } as const;
/** A course has 1 to MAX_DAYS lessons, one a day: days 1..N, each exactly once. */
export const MAX_DAYS = 60;
const TEXT_FIELDS = ['subject', 'preheader', 'section', 'action'] as const;


export interface Section { id: string; title: string }
export interface Lesson {
  file: string; day: number; subject: string; preheader: string; section: string; action: string; body: string;
  /** The file's line where the body starts (for messages), when read from disk. */
  bodyLine?: number;
}

const dayFileName = (day: number): string => `day-${String(day).padStart(2, '0')}.md`;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** YAML reads `day: 08` as the string "08"; accept digit strings as well as integers. */
export function parseDay(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,3}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

function validateSections(sections: unknown, file: string, errors: string[]): Section[] {
  if (!Array.isArray(sections)) {
    errors.push(`${file}: must be a JSON array of {"id","title"} objects`);
    return [];
  }
  const valid: Section[] = [];
  sections.forEach((s: unknown, i) => {
    const id = isRecord(s) ? s.id : undefined;
    const title = isRecord(s) ? s.title : undefined;
    if (typeof id !== 'string' || id.trim() === '' || typeof title !== 'string' || title.trim() === '') {
      errors.push(`${file}: entry ${i} needs a non-empty string "id" and "title"`);
    } else if (valid.some((v) => v.id === id)) {
      errors.push(`${file}: section id "${id}" is repeated`);
    } else valid.push({ id, title });
  });
  return valid;
}

/**
 * Validate a whole course without touching the filesystem.
 * Returns a list of human-readable errors; each names the offending file (or sections file).
 */
export function validateCourse(lessons: LessonSource[], sections: unknown, sectionsFile = 'sections.json'): string[] {
  const errors: string[] = [];
  const validSections = validateSections(sections, sectionsFile, errors);
  const sectionIds = new Set(validSections.map((s) => s.id));
  const usedSections = new Set<string>();
  const byDay = new Map<number, string>();
  const dir = lessons[0] ? path.dirname(lessons[0].file) : path.dirname(sectionsFile);
  // The course runs to its highest day: a gap below it is a missing lesson.
  const totalDays = Math.max(0, ...lessons.map((l) => parseDay(l.data.day) ?? 0).filter((d) => d <= MAX_DAYS));

  for (const { file, data, body, raw, lines } of lessons) {
    const where = (field: string) => at(file, lines?.fields[field]);
    const day = parseDay(data.day);
    if (data.day === undefined || data.day === null || data.day === '') errors.push(`${file}: "day" is missing`);
    else if (day === undefined) errors.push(`${where('day')}: "day" must be an integer, got ${JSON.stringify(data.day)}`);
    else if (day < 1 || day > MAX_DAYS) errors.push(`${where('day')}: day ${day} is outside 1..${MAX_DAYS} (a course has 1 to ${MAX_DAYS} lessons)`);
    else {
      const previous = byDay.get(day);
      if (previous !== undefined) errors.push(`${where('day')}: day ${day} is repeated (also in ${previous})`);
      else byDay.set(day, file);
    }
    if (day !== undefined && path.basename(file) !== dayFileName(day)) {
      errors.push(`${where('day')}: file name does not match day ${day} (expected ${dayFileName(day)})`);
    }
    for (const field of TEXT_FIELDS) {
      const value = data[field];
      if (value === undefined || value === null) errors.push(`${file}: "${field}" is missing`);
      else if (typeof value !== 'string') errors.push(`${where(field)}: "${field}" must be a string`);
      else if (value.trim() === '') errors.push(`${where(field)}: "${field}" is empty`);
      else {
        const limit = field === 'section' ? undefined : LIMITS[field];
        const length = [...value.trim()].length;
        if (limit !== undefined && length > limit) {
          errors.push(`${where(field)}: "${field}" is too long (${length} chars, max ${limit})`);
        }
        if (/[\r\n]/.test(value.trim())) errors.push(`${where(field)}: "${field}" must be a single line`);
      }
    }
    const section = data.section;
    if (typeof section === 'string' && section.trim() !== '') {
      if (sectionIds.has(section)) usedSections.add(section);
      else if (validSections.length > 0 || Array.isArray(sections)) {
        errors.push(`${where('section')}: unknown section "${section}" (known: ${[...sectionIds].join(', ') || 'none'})`);
      }
    }
    if (body.trim() === '') errors.push(`${at(file, lines?.body)}: the markdown body is empty`);
    else errors.push(...checkWordCount(at(file, lines?.body), markdownToText(body)), ...checkBodyLeavesFrameToLayout(file, body, lines?.body));
    if (typeof data.subject === 'string') errors.push(...checkSubjectEnding(where('subject'), data.subject));
    for (const field of ['subject', 'preheader'] as const) {
      const value = data[field];
      if (typeof value === 'string') errors.push(...checkLockScreen(where(field), field, value));
    }
    const all = [body, ...TEXT_FIELDS.map((f) => data[f])].filter((v): v is string => typeof v === 'string');
    if (all.some((v) => v.includes('{{') || v.includes('}}'))) {
      errors.push(`${at(file, lineIn(raw, '{{') ?? lineIn(raw, '}}'))}: "{{" / "}}" are reserved for send-time placeholders; remove them from the lesson`);
    }
  }
  if (lessons.length === 0) errors.push(`${path.join(dir, dayFileName(1))}: missing (a course has 1 to ${MAX_DAYS} lessons, one file each)`);
  // A day whose file is there but says something else already has its own error: not "missing" too.
  const named = new Set(lessons.map((l) => path.basename(l.file)));
  for (let day = 1; day <= totalDays; day++) {
    if (!byDay.has(day) && !named.has(dayFileName(day))) errors.push(`${path.join(dir, dayFileName(day))}: missing (no lesson for day ${day})`);
  }
  for (const s of validSections) {
    if (!usedSections.has(s.id)) errors.push(`${sectionsFile}: section "${s.id}" is used by no lesson`);
  }
  errors.push(...checkContractions(lessons.map(({ file, data, body, raw }) => ({
    file, lineOf: (word: string) => lineIn(raw, word), text: [body, ...TEXT_FIELDS.map((f) => data[f])].filter((v): v is string => typeof v === 'string').join('\n'),
  }))));
  return errors;
}

/** Convert validated sources into typed lessons sorted by day (call only when validateCourse returned []). */
export function toLessons(sources: LessonSource[]): Lesson[] {
  return sources
    .map(({ file, data, body, lines }) => ({
      file,
      bodyLine: lines?.body,
      day: parseDay(data.day) ?? 0,
      subject: String(data.subject).trim(),
      preheader: String(data.preheader).trim(),
      section: String(data.section).trim(),
      action: String(data.action).trim(),
      body: body.trim(),
    }))
    .sort((a, b) => a.day - b.day);
}

