// The course linted as readers receive it: every email built, sent through the real send path into
// a capturing mailer, parsed back and checked (email-checks.ts), plus the checks on the whole
// course (copy from the source article) and spam scores where a filter is installed.
// `npm run lint:course` prints it; the dev page shows it beside each email.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import type { CompiledCourse } from '../../functions/core/message.js';
import { compileCourse, TEMPLATE } from '../build-emails.js';
import { checkCopiedRuns } from '../course-checks.js';
import { loadCourse, type LessonSource } from '../course.js';
import { CourseError, parseFinding, type Finding } from '../findings.js';
import { PRODUCTION_SAMPLE, previewEmails, rawMessages, type PreviewEmail } from '../sample-emails.js';
import { RSPAMD_LIMIT, SPAMASSASSIN_LIMIT, points, type Filters, type Verdict } from '../spam-filters.js';
import { checkEmail, emailFigures, type EmailFacts, type EmailFigures, type Source } from './email-checks.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The article the lessons draw on; not ours to commit, so it sits beside the repository (as in CI). */
export const ARTICLE_FILE = path.resolve(ROOT, '../shared/source/article.txt');

export type Spam = { spamassassin?: Verdict; rspamd?: Verdict };
export type EmailReport = {
  item: PreviewEmail;
  /** What the report depends on (the compiled email and its source files): equal keys, equal reports. */
  key: string;
  home: { file: string; line: number };
  figures: EmailFigures;
  findings: Finding[];
  /** As sent: the raw message and its parts parsed back. */
  raw: string;
  sent: { html: string; text: string };
  spam?: Spam;
};
export type LintReport = {
  /** Empty when the course does not build (its errors are then in `findings`). */
  emails: EmailReport[];
  course?: CompiledCourse;
  /** About the course as a whole: build errors, copied runs. */
  findings: Finding[];
  /** Checks that could not run here, and why (said, never passed silently). */
  skipped: string[];
};
export type LintOptions = {
  contentDir?: string;
  templatesDir?: string;
  articleFile?: string;
  /** A course compiled already (the dev server's); otherwise compiled here. */
  course?: CompiledCourse;
  /** Started filters score every email; without, spam scores are reported as skipped. */
  spam?: Filters;
  /** The last report (a dev server's): an email whose key is unchanged keeps its report, spam scores included. */
  previous?: LintReport;
};

const relative = (file: string) => path.relative(process.cwd(), file) || file;

function sourcesFor(item: PreviewEmail, lesson: LessonSource | undefined, templatesDir: string): Source[] {
  const template = TEMPLATE[item.kind];
  const read = (name: string): Source => {
    const file = path.join(templatesDir, name);
    return { file: relative(file), text: existsSync(file) ? readFileSync(file, 'utf8') : '' };
  };
  const own = lesson ? [{ file: lesson.file, text: lesson.raw ?? '' }] : [];
  return [...own, read(`${template}.mjml`), read(`${template}.txt`), read('layout.mjml')];
}

export async function scoreSpam(filters: Filters, raw: string, home: EmailReport['home']): Promise<{ spam: Spam; findings: Finding[] }> {
  const [spamassassin, rspamd] = await Promise.all([filters.spamassassin?.score(raw), filters.rspamd?.score(raw)]);
  const findings: Finding[] = [];
  if (spamassassin && spamassassin.total > SPAMASSASSIN_LIMIT) {
    findings.push({ level: 'error', ...home, message: `SpamAssassin scores it ${points(spamassassin)} (at most ${SPAMASSASSIN_LIMIT})` });
  }
  if (rspamd && rspamd.total > RSPAMD_LIMIT) findings.push({ level: 'error', ...home, message: `rspamd scores it ${points(rspamd)} (at most ${RSPAMD_LIMIT})` });
  return { spam: { spamassassin, rspamd }, findings };
}

export async function lintCourse(options: LintOptions = {}): Promise<LintReport> {
  const contentDir = options.contentDir ?? path.join(ROOT, 'content');
  const templatesDir = options.templatesDir ?? path.join(ROOT, 'emails');
  const articleFile = options.articleFile ?? ARTICLE_FILE;
  const skipped: string[] = [];
  let course = options.course;
  try {
    course ??= await compileCourse({ contentDir, templatesDir });
  } catch (error) {
    if (!(error instanceof CourseError)) throw error;
    return { emails: [], findings: error.findings, skipped: ['every check on the emails: the course does not build (fix the errors above first)'] };
  }
  const loaded = loadCourse(contentDir);
  const lessonFile = new Map(loaded.lessons.map((l) => [Number(l.data.day), l]));
  const serviceOrigin = new URL(PRODUCTION_SAMPLE.baseUrl).origin;
  const previous = new Map(options.previous?.emails.map((e) => [e.key, e]));
  const emails = await Promise.all((await rawMessages(course)).map(async ({ item, raw }): Promise<EmailReport> => {
    const lesson = item.kind === 'lesson' && 'day' in item.email ? lessonFile.get(Number(item.email.day)) : undefined;
    const sources = sourcesFor(item, lesson, templatesDir);
    const { subject, preheader, html, text } = item.email;
    const key = [item.id, subject, preheader, html, text, ...sources.map((source) => source.text)].join('\u0000');
    // Parsing the message back is most of the lint's time: an unchanged email keeps what it had.
    const known = previous.get(key);
    if (known && (known.spam || !options.spam)) return { ...known, item, findings: [...known.findings] };
    const parsed = await simpleParser(raw);
    const sent = { html: typeof parsed.html === 'string' ? parsed.html : '', text: parsed.text ?? '' };
    const home = lesson ? { file: lesson.file, line: lesson.lines?.fields.subject ?? 1 } : { file: sources[0]?.file ?? '', line: 1 };
    const facts: EmailFacts = {
      kind: item.kind === 'lesson' ? 'lesson' : 'notice',
      subject: item.email.subject,
      preheader: item.email.preheader,
      compiled: { html: item.email.html, text: item.email.text },
      sent,
      body: lesson?.body.trim(),
      home,
      sources,
      serviceOrigin,
    };
    const report: EmailReport = { item, key, home, figures: emailFigures(facts), findings: checkEmail(facts), raw, sent };
    if (options.spam) {
      const { spam, findings } = await scoreSpam(options.spam, raw, home);
      report.spam = spam;
      report.findings.unshift(...findings);
    }
    return report;
  }));
  if (!options.spam) skipped.push('spam scores: no SpamAssassin or rspamd was started (npm run lint:course scores where they are installed)');
  else for (const name of options.spam.missing) skipped.push(`spam scores by ${name}: not installed`);

  const findings: Finding[] = [];
  if (existsSync(articleFile)) {
    const copied = checkCopiedRuns(readFileSync(articleFile, 'utf8'), loaded.lessons.map((l) => ({ file: l.file, raw: l.raw ?? '' })));
    findings.push(...copied.map((e) => parseFinding(e)));
  } else {
    skipped.push(`copy check: the source article is not at ${relative(articleFile)}, so the lessons were not compared with it`);
  }
  return { emails, course, findings, skipped };
}

/** Every finding of a report, course-wide first, then email by email. */
export const allFindings = (report: LintReport): Finding[] => [...report.findings, ...report.emails.flatMap((e) => e.findings)];
