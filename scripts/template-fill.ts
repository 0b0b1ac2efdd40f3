import { CourseError } from './findings.js';

/**
 * Build-time template filling that remembers where each line came from, so an error MJML
 * reports on line 212 of the assembled email can name `emails/lesson.mjml:9` or the lesson's
 * markdown file instead.
 */
export type Origin = { file: string; line: number };
/** `origins[i]` is where line i + 1 of `text` came from. */
export type Mapped = { text: string; origins: Origin[] };

/** Text whose every line is attributed to one place (a lesson body rendered from markdown). */
export function mapped(text: string, origin: Origin): Mapped {
  return { text, origins: text.split('\n').map(() => origin) };
}

/**
 * Fill build-time tokens: `[[name]]` is replaced by values[name] (single pass, so inserted values
 * are never re-scanned) and `[[#flag]]...[[/flag]]` is kept only if flags[flag]. An unknown token
 * or block is a CourseError naming the template's file and line.
 */
export function fillMapped(
  template: string, file: string, values: Record<string, string | Mapped>, flags: Record<string, boolean> = {},
): Mapped {
  const origins: Origin[] = [{ file, line: 1 }];
  let text = '';
  let line = 1;
  let skipping: string | undefined;
  const emit = (chunk: string, from?: (i: number) => Origin) => {
    const lines = chunk.split('\n').length;
    for (let i = 1; i < lines; i++) origins.push(from ? from(i) : { file, line: line + i });
    text += chunk;
  };
  const fail = (what: string): never => {
    throw new CourseError([`${file}:${line}: ${what}`]);
  };
  let last = 0;
  for (const match of template.matchAll(/\[\[([#/]?)([^\]]*)\]\]/g)) {
    const literal = template.slice(last, match.index);
    if (!skipping) emit(literal);
    line += literal.split('\n').length - 1;
    last = match.index + match[0].length;
    const [, mark, name = ''] = match;
    if (mark === '#') {
      if (!(name in flags)) fail(`unknown block [[#${name}]]`);
      if (!skipping && !flags[name]) skipping = name;
    } else if (mark === '/') {
      if (skipping === name) skipping = undefined;
    } else if (!skipping) {
      const value = values[name];
      if (value === undefined) fail(`unknown build token [[${name}]]`);
      else if (typeof value === 'string') emit(value, () => ({ file, line }));
      else emit(value.text, (i) => value.origins[i] ?? { file, line });
    }
  }
  if (skipping) fail(`[[#${skipping}]] is never closed with [[/${skipping}]]`);
  emit(template.slice(last));
  return { text, origins };
}
