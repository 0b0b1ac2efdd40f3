/**
 * What the build and the lint say about the course, one finding each. Every check writes
 * `file:line: message` (or `file: message` where no line applies), the form compilers use, so an
 * editor or a terminal can jump to it; the dev page and `npm run lint:course` read it back.
 */
export type Level = 'error' | 'warning';
export type Finding = { level: Level; file: string; line?: number; message: string };

/** A check's location: `file:line`, or the file alone. */
export const at = (file: string, line?: number): string => (line ? `${file}:${line}` : file);

/** Reads back `file:line: message` or `file: message`. */
export function parseFinding(text: string, level: Level = 'error'): Finding {
  const located = /^(.+?):(\d+): ([\s\S]*)$/.exec(text);
  if (located) return { level, file: located[1] ?? '', line: Number(located[2]), message: located[3] ?? '' };
  const filed = /^(\S[^:]*?): ([\s\S]*)$/.exec(text);
  return filed ? { level, file: filed[1] ?? '', message: filed[2] ?? '' } : { level, file: '', message: text };
}

export function formatFinding(f: Finding): string {
  const where = f.file ? `${at(f.file, f.line)}: ` : '';
  return `${where}${f.level === 'warning' ? 'warning: ' : ''}${f.message}`;
}

/** The course cannot be built: every error found, each naming its file (and line where known). */
export class CourseError extends Error {
  readonly findings: Finding[];
  constructor(readonly errors: string[]) {
    super(`invalid course:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
    this.name = 'CourseError';
    this.findings = errors.map((e) => parseFinding(e));
  }
}
