// Build step: validate content/, compile the MJML templates once, write build/emails.json.
// Usage: tsx scripts/build-emails.ts [--content <dir>] [--out <file>]
//   (or env LETGO_CONTENT_DIR / LETGO_EMAILS_OUT). Defaults: <repo>/content, <repo>/build/emails.json.
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  loadCourse, markdownToHtml, markdownToText, toLessons, validateCourse,
  type CompiledCourse, type CompiledEmail, type Lesson,
} from './course.js';
import wrapAnsi from 'wrap-ansi';
import { escapeHtml } from '../functions/core/message.js';
import { CourseError, parseFinding } from './findings.js';
import { compileMjml, type MjmlCache } from './mjml-compile.js';
import { fillMapped, mapped, type Mapped } from './template-fill.js';

export { CourseError };

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const MAX_HTML_BYTES = 102_000;

type Kind = 'confirmation' | 'alreadyEnrolled' | 'complete' | 'dataExport' | 'dataDelete' | 'lesson' | AuthorKind;
/** The author's own mail (issue 13): no reader's footer, no List-Unsubscribe. */
type AuthorKind = 'signin' | 'digest' | 'alert';
const AUTHOR_KINDS: readonly Kind[] = ['signin', 'digest', 'alert'];
/** Each kind of email's template, `emails/<name>.mjml` and `.txt`. */
export const TEMPLATE: Record<Kind, string> = {
  confirmation: 'confirmation', alreadyEnrolled: 'already-enrolled', complete: 'complete',
  dataExport: 'data-export', dataDelete: 'data-delete', lesson: 'lesson', signin: 'signin', digest: 'digest', alert: 'alert',
};
/** Send-time placeholders each kind of email must contain (and the only ones it may contain). */
export const PLACEHOLDERS: Record<Kind, readonly string[]> = {
  confirmation: ['greeting', 'confirmUrl', 'safetyUrl', 'unsubscribeUrl'],
  alreadyEnrolled: ['greeting', 'preferencesUrl', 'authorName', 'safetyUrl', 'unsubscribeUrl'],
  complete: ['greeting', 'preferencesUrl', 'authorName', 'safetyUrl', 'unsubscribeUrl'],
  dataExport: ['greeting', 'dataUrl', 'authorName', 'safetyUrl', 'unsubscribeUrl'],
  dataDelete: ['greeting', 'dataUrl', 'authorName', 'safetyUrl', 'unsubscribeUrl'],
  lesson: ['greeting', 'preferencesUrl', 'helpfulYesUrl', 'helpfulNoUrl', 'authorName', 'safetyUrl', 'unsubscribeUrl'],
  signin: ['signinUrl'],
  digest: ['digestPeriod', 'digestReaders', 'digestLeft', 'digestHelpful', 'digestHealth', 'consoleUrl'],
  alert: ['alertText', 'consoleUrl'],
};
/** The footer's one line on why this email came: a lesson went to a confirmed reader, the others to whoever used the form. */
export const why = (kind: Kind, totalDays: number): string => kind === 'lesson'
  ? `You are getting this because you signed up for Let Go’s ${totalDays}-day course and confirmed by email.`
  : WHY[kind];
const WHY: Record<Exclude<Kind, 'lesson'>, string> = {
  confirmation: 'You are getting this because this address was entered on the Let Go sign-up form.',
  alreadyEnrolled: 'You are getting this because this address was entered on the Let Go sign-up form.',
  complete: 'You are getting this because this address was entered on the Let Go sign-up form.',
  dataExport: 'You are getting this because someone asked for this address’s data on its Let Go preferences page.',
  dataDelete: 'You are getting this because someone asked to delete this address’s data on its Let Go preferences page.',
  signin: 'You are getting this because this address is set as the author of this Let Go course (AUTHOR_EMAIL).',
  digest: 'You are getting this because this address is set as the author of this Let Go course (AUTHOR_EMAIL). DIGEST_HOUR=off stops the weekly digest.',
  alert: 'You are getting this because this address is set as the author of this Let Go course (AUTHOR_EMAIL). At most one such email a day.',
};
/** Plain-text paragraphs are wrapped to this many columns (RFC 5322 recommends at most 78). */
export const TEXT_WIDTH = 76;
const fixedLines = (totalDays: number): Record<Exclude<Kind, 'lesson'>, { subject: string; preheader: string }> => ({
  confirmation: {
    subject: `Confirm your ${totalDays}-day Let Go course`,
    preheader: 'One click and your first lesson is on its way.',
  },
  alreadyEnrolled: {
    subject: 'You’re already enrolled in Let Go',
    preheader: 'No need to sign up again: your lessons keep coming.',
  },
  complete: {
    subject: 'You finished Let Go (take it again?)',
    preheader: `You completed all ${totalDays} days. Restart from Day 1 whenever you like.`,
  },
  dataExport: {
    subject: 'Your Let Go data: download link',
    preheader: 'The link you asked for. It works once, for 30 minutes.',
  },
  dataDelete: {
    subject: 'Confirm: delete your Let Go data',
    preheader: 'Nothing is deleted until you confirm. The link works for 30 minutes.',
  },
  signin: {
    subject: 'Your sign-in link to the Let Go console',
    preheader: 'It works once, for 15 minutes.',
  },
  digest: {
    subject: 'Your week at Let Go',
    preheader: 'Sign-ups, where readers left, what helped, and how the list is doing.',
  },
  alert: {
    subject: 'Let Go: something to look at today',
    preheader: 'A lesson or the list needs a look. Nothing has been stopped.',
  },
});

/** Build-time tokens as before; where lines came from is kept only where MJML errors need it (compileEmail). */
export function fillTemplate(template: string, values: Record<string, string>, flags: Record<string, boolean>, file: string): string {
  return fillMapped(template, file, values, flags).text;
}

/**
 * Wraps each line of the plain text at TEXT_WIDTH columns, as a mail program
 * would have: a list item's or quote's continuation keeps its indent or `> `.
 * A line that is one long word (a URL, a placeholder) is left whole.
 */
export function wrapText(text: string, width = TEXT_WIDTH): string {
  return text.split('\n').map((line) => {
    if (line.length <= width || line.startsWith('    ')) return line;
    const key = `${width}:${line}`;
    const known = wrappedLines.get(key);
    if (known !== undefined) return known;
    const [, indent = '', marker = ''] = /^((?:> )*[ \t]*)((?:[-*]|\d+\.) )?/.exec(line) ?? [];
    const first = indent + marker;
    const rest = indent + ' '.repeat(marker.length);
    const wrapped = wrapAnsi(line.slice(first.length), width - first.length, { hard: false, trim: true });
    const result = wrapped.split('\n').map((l, i) => (i === 0 ? first : rest) + l).join('\n');
    if (wrappedLines.size >= 5_000) wrappedLines.clear();
    wrappedLines.set(key, result);
    return result;
  }).join('\n');
}
/** wrap-ansi takes about 15 ms a lesson; paragraphs repeat across emails and across a dev server's rebuilds. */
const wrappedLines = new Map<string, string>();

/** Every `{{...}}` must be an allowed placeholder, no stray braces, and every required one present. */
export function checkPlaceholders(label: string, part: string, content: string, required: readonly string[]): void {
  const found = new Set<string>();
  const rest = content.replace(/\{\{(\w+)\}\}/g, (m, name: string) => {
    if (!required.includes(name)) throw new CourseError([`${label}: placeholder ${m} is not allowed in ${part}`]);
    found.add(name);
    return '';
  });
  if (rest.includes('{{') || rest.includes('}}')) throw new CourseError([`${label}: stray "{{" or "}}" in ${part}`]);
  const missing = part === 'subject' ? [] : required.filter((n) => !found.has(n));
  if (missing.length > 0) throw new CourseError([`${label}: ${part} lacks ${missing.map((n) => `{{${n}}}`).join(', ')}`]);
}

type Templates = Record<'layout' | `${Kind}.mjml` | `${Kind}.txt`, string>;
export function readTemplates(dir: string): Templates {
  const read = (name: string): string => readFileSync(path.join(dir, name), 'utf8');
  const entries = (Object.keys(TEMPLATE) as Kind[]).flatMap((k) => [
    [`${k}.mjml`, read(`${TEMPLATE[k]}.mjml`)], [`${k}.txt`, read(`${TEMPLATE[k]}.txt`)],
  ]);
  return { layout: read('layout.mjml'), ...Object.fromEntries(entries) } as Templates;
}

async function compileEmail(
  t: Templates, kind: Kind, label: string, subject: string, preheader: string, totalDays: number,
  html: Record<string, string | Mapped>, text: Record<string, string>, cache?: MjmlCache,
): Promise<CompiledEmail> {
  const file = `emails/${TEMPLATE[kind]}`;
  const reason = why(kind, totalDays);
  const body = fillMapped(t[`${kind}.mjml`], `${file}.mjml`, { ...html, totalDays: String(totalDays) });
  const mjml = fillMapped(t.layout, 'emails/layout.mjml', { body, title: escapeHtml(subject), preheader: escapeHtml(preheader), why: escapeHtml(reason) },
    { preferences: PLACEHOLDERS[kind].includes('preferencesUrl'), reader: !AUTHOR_KINDS.includes(kind) });
  const compiled = await compileMjml(mjml, label, cache);
  const email: CompiledEmail = {
    subject, preheader, html: compiled,
    text: `${wrapText(fillTemplate(t[`${kind}.txt`], { ...text, totalDays: String(totalDays), why: reason }, {}, `${file}.txt`).trim())}\n`,
  };
  for (const part of ['subject', 'html', 'text'] as const) checkPlaceholders(label, part, email[part], PLACEHOLDERS[kind]);
  const bytes = Buffer.byteLength(email.html, 'utf8');
  if (bytes >= MAX_HTML_BYTES) throw new CourseError([`${label}: html is ${bytes} bytes (limit ${MAX_HTML_BYTES})`]);
  return email;
}

function lessonTokens(lesson: Lesson, totalDays: number): { html: Record<string, string | Mapped>; text: Record<string, string> } {
  const common = { day: String(lesson.day) };
  return {
    html: {
      ...common,
      progressPercent: String(Math.round((lesson.day / totalDays) * 1000) / 10),
      subject: escapeHtml(lesson.subject),
      action: escapeHtml(lesson.action),
      body: mapped(markdownToHtml(lesson.body), { file: lesson.file, line: lesson.bodyLine ?? 1 }),
    },
    text: {
      ...common,
      subject: lesson.subject,
      subjectUnderline: '='.repeat([...lesson.subject].length),
      action: lesson.action,
      body: markdownToText(lesson.body),
    },
  };
}

/** `cache`: a dev server's, so a rebuild recompiles only the emails whose MJML changed (mjml-compile.ts). */
export interface BuildOptions { contentDir?: string; outFile?: string; templatesDir?: string; cache?: MjmlCache }
export interface BuildResult { course: CompiledCourse; outFile: string; count: number; largestHtmlBytes: number }

/** Validate content/ and compile every email in memory. Throws CourseError on invalid content. */
export async function compileCourse(options: Omit<BuildOptions, 'outFile'> = {}): Promise<CompiledCourse> {
  const loaded = loadCourse(options.contentDir ?? path.join(ROOT, 'content'));
  // A file that could not be read is not also "missing".
  const unreadable = new Set(loaded.errors.map((e) => parseFinding(e).file));
  const invalid = validateCourse(loaded.lessons, loaded.sections, loaded.sectionsFile).filter((e) => {
    const { file, message } = parseFinding(e);
    return !(unreadable.has(file) && message.startsWith('missing'));
  });
  const errors = [...loaded.errors, ...invalid];
  if (errors.length > 0) throw new CourseError(errors);

  const t = readTemplates(options.templatesDir ?? path.join(ROOT, 'emails'));
  const sources = toLessons(loaded.lessons);
  // Validated: days 1..N, each once.
  const totalDays = sources.length;
  const lines = fixedLines(totalDays);
  const fixed = async (kind: Exclude<Kind, 'lesson'>): Promise<CompiledEmail> =>
    compileEmail(t, kind, `emails/${TEMPLATE[kind]}.mjml`, lines[kind].subject, lines[kind].preheader, totalDays, {}, {}, options.cache);
  const lessons = await Promise.all(sources.map(async (lesson) => {
    const { html, text } = lessonTokens(lesson, totalDays);
    const email = await compileEmail(t, 'lesson', lesson.file, lesson.subject, lesson.preheader, totalDays, html, text, options.cache);
    return { ...email, day: lesson.day, section: lesson.section, action: lesson.action };
  }));
  return {
    version: 1,
    totalDays,
    confirmation: await fixed('confirmation'),
    alreadyEnrolled: await fixed('alreadyEnrolled'),
    complete: await fixed('complete'),
    dataExport: await fixed('dataExport'),
    dataDelete: await fixed('dataDelete'),
    signin: await fixed('signin'),
    digest: await fixed('digest'),
    alert: await fixed('alert'),
    lessons,
  };
}

/** compileCourse, then write the JSON, notices.json (the notice worker's) and outline.json (the API's) beside it. */
export async function buildEmails(options: BuildOptions = {}): Promise<BuildResult> {
  const outFile = options.outFile ?? path.join(ROOT, 'build', 'emails.json');
  const course = await compileCourse(options);
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(course, null, 2)}\n`);
  // The notice worker never sends a lesson, a digest or an alert; a file without them keeps its bundle small.
  const outline = course.lessons.map(({ day, subject }) => ({ day, subject }));
  const { digest: _digest, alert: _alert, ...noticeEmails } = course;
  const notices: CompiledCourse = { ...noticeEmails, lessons: [], outline };
  writeFileSync(path.join(path.dirname(outFile), 'notices.json'), `${JSON.stringify(notices)}\n`);
  // The API sends nothing (the outbox does): its console needs the lessons' days and subjects only.
  writeFileSync(path.join(path.dirname(outFile), 'outline.json'), `${JSON.stringify({ version: course.version, totalDays: course.totalDays, outline })}\n`);
  const authorMail = [course.signin, course.digest, course.alert].flatMap((email) => (email ? [email] : []));
  const all = [course.confirmation, course.alreadyEnrolled, course.complete, course.dataExport, course.dataDelete, ...authorMail, ...course.lessons];
  const largestHtmlBytes = Math.max(...all.map((e) => Buffer.byteLength(e.html, 'utf8')));
  return { course, outFile, count: all.length, largestHtmlBytes };
}

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const contentDir = argValue(args, '--content') ?? process.env.LETGO_CONTENT_DIR;
  const outFile = argValue(args, '--out') ?? process.env.LETGO_EMAILS_OUT;
  try {
    const result = await buildEmails({
      contentDir: contentDir && path.resolve(contentDir),
      outFile: outFile && path.resolve(outFile),
    });
    const rel = path.relative(process.cwd(), result.outFile);
    const where = rel && !rel.startsWith('..') ? rel : result.outFile;
    console.log(`built ${result.count} emails into ${where} (largest html ${(result.largestHtmlBytes / 1024).toFixed(1)} KB)`);
  } catch (e) {
    console.error(`build-emails: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}

function isEntryPoint(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
if (isEntryPoint()) await main();
