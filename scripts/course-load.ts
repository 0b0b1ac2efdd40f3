// Reading content/ from disk: the sections file and one markdown file per lesson, with where each
// front-matter field and the body sit in the file, so every message can name a line.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import { at } from './findings.js';

/** A lesson file as read from disk: `file` is the path used in messages; `raw`, its text, finds lines. */
export interface LessonSource {
  file: string; data: Record<string, unknown>; body: string; raw?: string;
  /** 1-based lines of each front-matter field and of the body's first line. */
  lines?: { fields: Record<string, number>; body: number };
}
export interface LoadedCourse { lessons: LessonSource[]; sections: unknown; sectionsFile: string; errors: string[] }

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A path as the author types it: relative to where the command runs when it is inside. */
export const display = (p: string): string => {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
};

/** Lines of the front matter's top-level keys and of the body's first line (gray-matter's content starts there). */
export function sourceLines(raw: string): { fields: Record<string, number>; body: number } {
  const lines = raw.split(/\r?\n/);
  if (lines[0]?.trim() !== '---') return { fields: {}, body: 1 };
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  const fields: Record<string, number> = {};
  for (let i = 1; i < (end < 0 ? lines.length : end); i++) {
    const key = /^([A-Za-z_][\w-]*)\s*:/.exec(lines[i] ?? '')?.[1];
    if (key && !(key in fields)) fields[key] = i + 1;
  }
  return { fields, body: end < 0 ? lines.length : end + 2 };
}

/** The 1-based line of the first occurrence of `needle` in `raw` (case-insensitive), if any. */
export function lineIn(raw: string | undefined, needle: string): number | undefined {
  if (!raw || !needle) return undefined;
  const i = raw.toLowerCase().indexOf(needle.toLowerCase());
  return i < 0 ? undefined : raw.slice(0, i).split('\n').length;
}

/** js-yaml's mark is 0-based within what gray-matter hands it, which starts on the opening fence's line. */
function yamlProblem(file: string, e: unknown): string {
  const { mark, reason } = (e ?? {}) as { mark?: { line?: number }; reason?: string };
  const where = mark?.line !== undefined ? at(file, mark.line + 1) : file;
  return `${where}: cannot parse front matter (${reason ?? (e instanceof Error ? e.message : String(e))})`;
}

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
    let raw: string;
    try {
      raw = readFileSync(path.join(dir, name), 'utf8');
    } catch (e) {
      errors.push(`${file}: cannot read (${e instanceof Error ? e.message : String(e)})`);
      continue;
    }
    try {
      // Passing an options object disables gray-matter's global cache.
      const parsed = matter(raw, {});
      lessons.push({ file, data: isRecord(parsed.data) ? parsed.data : {}, body: parsed.content, raw, lines: sourceLines(raw) });
    } catch (e) {
      errors.push(yamlProblem(file, e));
    }
  }
  return { lessons, sections, sectionsFile, errors };
}
