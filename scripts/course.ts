// Course model for "Let Go": load content/, validate it (pure), render lesson markdown.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import { Lexer, Marked, type MarkedToken, type Token } from 'marked';

import {
  checkBodyLeavesFrameToLayout, checkContractions, checkLockScreen, checkSubjectEnding, checkWordCount,
} from './course-checks.js';

export type { CompiledCourse, CompiledEmail, CompiledLesson } from '../functions/core/message.js';
export const LIMITS = { subject: 50, preheader: 90, action: 200 } as const;
/** A course has 1 to MAX_DAYS lessons, one a day: days 1..N, each exactly once. */
export const MAX_DAYS = 60;
const TEXT_FIELDS = ['subject', 'preheader', 'section', 'action'] as const;


export interface Section { id: string; title: string }
/** A lesson file as read from disk: `file` is the path used in error messages. */
export interface LessonSource { file: string; data: Record<string, unknown>; body: string }
export interface Lesson {
  file: string; day: number; subject: string; preheader: string; section: string; action: string; body: string;
}
export interface LoadedCourse { lessons: LessonSource[]; sections: unknown; sectionsFile: string; errors: string[] }

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

  for (const { file, data, body } of lessons) {
    const day = parseDay(data.day);
    if (data.day === undefined || data.day === null || data.day === '') errors.push(`${file}: "day" is missing`);
    else if (day === undefined) errors.push(`${file}: "day" must be an integer, got ${JSON.stringify(data.day)}`);
    else if (day < 1 || day > MAX_DAYS) errors.push(`${file}: day ${day} is outside 1..${MAX_DAYS} (a course has 1 to ${MAX_DAYS} lessons)`);
    else {
      const previous = byDay.get(day);
      if (previous !== undefined) errors.push(`${file}: day ${day} is repeated (also in ${previous})`);
      else byDay.set(day, file);
    }
    if (day !== undefined && path.basename(file) !== dayFileName(day)) {
      errors.push(`${file}: file name does not match day ${day} (expected ${dayFileName(day)})`);
    }
    for (const field of TEXT_FIELDS) {
      const value = data[field];
      if (value === undefined || value === null) errors.push(`${file}: "${field}" is missing`);
      else if (typeof value !== 'string') errors.push(`${file}: "${field}" must be a string`);
      else if (value.trim() === '') errors.push(`${file}: "${field}" is empty`);
      else {
        const limit = field === 'section' ? undefined : LIMITS[field];
        const length = [...value.trim()].length;
        if (limit !== undefined && length > limit) {
          errors.push(`${file}: "${field}" is too long (${length} chars, max ${limit})`);
        }
        if (/[\r\n]/.test(value.trim())) errors.push(`${file}: "${field}" must be a single line`);
      }
    }
    const section = data.section;
    if (typeof section === 'string' && section.trim() !== '') {
      if (sectionIds.has(section)) usedSections.add(section);
      else if (validSections.length > 0 || Array.isArray(sections)) {
        errors.push(`${file}: unknown section "${section}" (known: ${[...sectionIds].join(', ') || 'none'})`);
      }
    }
    if (body.trim() === '') errors.push(`${file}: the markdown body is empty`);
    else errors.push(...checkWordCount(file, markdownToText(body)), ...checkBodyLeavesFrameToLayout(file, body));
    if (typeof data.subject === 'string') errors.push(...checkSubjectEnding(file, data.subject));
    for (const field of ['subject', 'preheader'] as const) {
      const value = data[field];
      if (typeof value === 'string') errors.push(...checkLockScreen(file, field, value));
    }
    const all = [body, ...TEXT_FIELDS.map((f) => data[f])].filter((v): v is string => typeof v === 'string');
    if (all.some((v) => v.includes('{{') || v.includes('}}'))) {
      errors.push(`${file}: "{{" / "}}" are reserved for send-time placeholders; remove them from the lesson`);
    }
  }
  if (lessons.length === 0) errors.push(`${path.join(dir, dayFileName(1))}: missing (a course has 1 to ${MAX_DAYS} lessons, one file each)`);
  for (let day = 1; day <= totalDays; day++) {
    if (!byDay.has(day)) errors.push(`${path.join(dir, dayFileName(day))}: missing (no lesson for day ${day})`);
  }
  for (const s of validSections) {
    if (!usedSections.has(s.id)) errors.push(`${sectionsFile}: section "${s.id}" is used by no lesson`);
  }
  errors.push(...checkContractions(lessons.map(({ file, data, body }) => ({
    file, text: [body, ...TEXT_FIELDS.map((f) => data[f])].filter((v): v is string => typeof v === 'string').join('\n'),
  }))));
  return errors;
}

/** Convert validated sources into typed lessons sorted by day (call only when validateCourse returned []). */
export function toLessons(sources: LessonSource[]): Lesson[] {
  return sources
    .map(({ file, data, body }) => ({
      file,
      day: parseDay(data.day) ?? 0,
      subject: String(data.subject).trim(),
      preheader: String(data.preheader).trim(),
      section: String(data.section).trim(),
      action: String(data.action).trim(),
      body: body.trim(),
    }))
    .sort((a, b) => a.day - b.day);
}

const display = (p: string): string => {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
};

/** Read `<dir>/sections.json` and every `<dir>/day-*.md`. Read/parse failures are returned as errors. */
export function loadCourse(dir: string): LoadedCourse {
  const errors: string[] = [];
  const sectionsFile = display(path.join(dir, 'sections.json'));
  let sections: unknown = [];
  try {
    sections = JSON.parse(readFileSync(path.join(dir, 'sections.json'), 'utf8'));
  } catch (e) {
    errors.push(`${sectionsFile}: cannot read or parse (${e instanceof Error ? e.message : String(e)})`);
  }
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => /^day-.*\.md$/i.test(n)).sort();
  } catch (e) {
    errors.push(`${display(dir)}: cannot read content directory (${e instanceof Error ? e.message : String(e)})`);
  }
  const lessons: LessonSource[] = [];
  for (const name of names) {
    const file = display(path.join(dir, name));
    try {
      // Passing an options object disables gray-matter's global cache.
      const parsed = matter(readFileSync(path.join(dir, name), 'utf8'), {});
      lessons.push({ file, data: isRecord(parsed.data) ? parsed.data : {}, body: parsed.content });
    } catch (e) {
      errors.push(`${file}: cannot parse front matter (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return { lessons, sections, sectionsFile, errors };
}

// ---- Markdown rendering -------------------------------------------------------------------

const marked = new Marked({ gfm: true, breaks: false, async: false });

export function markdownToHtml(md: string): string {
  return marked.parse(md, { async: false }).trim();
}

const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—', ndash: '–', hellip: '…',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', middot: '·',
};
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

function inlineText(tokens: Token[] | undefined): string {
  return (tokens ?? []).map((token) => {
    const t = token as MarkedToken;
    switch (t.type) {
      case 'text': return t.tokens ? inlineText(t.tokens) : decodeEntities(t.text);
      case 'strong': case 'em': case 'del': return inlineText(t.tokens);
      case 'codespan': case 'escape': return decodeEntities(t.text);
      case 'br': return '\n';
      case 'html': return '';
      case 'image': return t.text;
      case 'link': {
        const label = inlineText(t.tokens);
        if (`mailto:${label}` === t.href) return label;
        if (label === t.href) return `\n${label}\n`;
        return `${label}${URL_MARK}${t.href}${URL_MARK}`;
      }
      default: return decodeEntities(t.raw);
    }
  }).join('');
}

const URL_MARK = '\u0000';
/**
 * A link keeps its label in the sentence and its URL moves to a line of its own after the block,
 * where a reader can tap or copy it whole; "label (https://...)" inline is hard to read and to copy.
 */
function placeUrls(s: string, transform: (text: string) => string = (text) => text): string {
  const urls: string[] = [];
  const text = s.replace(/\u0000([^\u0000]*)\u0000/g, (_m, url: string) => {
    urls.push(url);
    return '';
  });
  return [transform(text.replace(/ *\n */g, '\n').trim()), ...urls].join('\n');
}

const indentRest = (s: string, pad: string): string => s.replace(/\n/g, `\n${pad}`);

function blockText(token: Token): string {
  const t = token as MarkedToken;
  switch (t.type) {
    case 'space': case 'def': return '';
    case 'paragraph': case 'text': return t.tokens ? placeUrls(inlineText(t.tokens)) : decodeEntities(t.text);
    case 'heading': return placeUrls(inlineText(t.tokens), (title) =>
      t.depth === 1 ? `${title}\n${'='.repeat([...title].length)}` : title.toUpperCase());
    case 'list': return t.items.map((item, i) => {
      const bullet = t.ordered ? `${(Number(t.start) || 1) + i}. ` : '- ';
      const inner = item.tokens.map(blockText).filter(Boolean).join(item.loose ? '\n\n' : '\n');
      return bullet + indentRest(inner, ' '.repeat(bullet.length));
    }).join(t.loose ? '\n\n' : '\n');
    case 'blockquote': return `> ${indentRest(blocksText(t.tokens), '> ')}`;
    case 'code': return `    ${indentRest(t.text, '    ')}`;
    case 'hr': return '---';
    case 'html': return decodeEntities(t.text.replace(/<[^>]*>/g, '')).trim();
    case 'table': return [t.header, ...t.rows].map((row) => placeUrls(row.map((c) => inlineText(c.tokens)).join(' | '))).join('\n');
    default: return decodeEntities(t.raw).trim();
  }
}

function blocksText(tokens: Token[]): string {
  return tokens.map(blockText).filter((s) => s.trim() !== '').join('\n\n');
}

/** Readable plain text from markdown: paragraphs, `##` headings in capitals, "- " list items, URLs on their own lines, no HTML. */
export function markdownToText(md: string): string {
  return blocksText(Lexer.lex(md, { gfm: true }));
}
