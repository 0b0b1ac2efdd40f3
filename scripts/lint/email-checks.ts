// Checks on one email as a reader receives it (its raw message parsed back), each finding placed at
// the source line it came from: the lesson's markdown, the email's template or the shared layout.
import { ROUTES } from '../../functions/http/app.js';
import { MAX_HTML_BYTES } from '../build-emails.js';
import { checkLockScreen, checkWordCount, countWords } from '../course-checks.js';
import { LIMITS, decodeEntities, lineIn, markdownToText } from '../course.js';
import { at, parseFinding, type Finding, type Level } from '../findings.js';

/** Where an email's words come from, searched in this order to place a finding. */
export type Source = { file: string; text: string };
export type EmailFacts = {
  kind: 'lesson' | 'notice';
  subject: string;
  preheader: string;
  /** Compiled, before filling: placeholders show which link is which. */
  compiled: { html: string; text: string };
  /** As sent: the parts of the raw message, parsed back. */
  sent: { html: string; text: string };
  /** The lesson's markdown body (lessons only). */
  body?: string;
  /** The file a finding about the whole email names, and the line (its subject's, for a lesson). */
  home: { file: string; line: number };
  sources: Source[];
  /** The origin (scheme://host) of the service's own links. */
  serviceOrigin: string;
};

/** A phone's lock screen shows about this many characters of a subject on one line. */
export const LOCK_SCREEN_SUBJECT = 40;
/** Shorter than this, an inbox fills the rest of the preview with whatever text comes next. */
export const SHORT_PREHEADER = 30;
/** Gmail clips at 102 KB: past this share of it, a warning. */
export const CLIP_WARNING = 0.85;
/** Reading speed for the reading time (words a minute, unhurried). */
export const WORDS_PER_MINUTE = 200;

export function placeIn(sources: Source[], needle: string, fallback: { file: string; line: number }): { file: string; line: number } {
  for (const source of sources) {
    const line = lineIn(source.text, needle);
    if (line) return { file: source.file, line };
  }
  return fallback;
}

const finding = (level: Level, where: { file: string; line: number }, message: string): Finding => ({ level, ...where, message });

const hrefsOf = (html: string) => [...html.matchAll(/<a\b[^>]*?\bhref\s*=\s*"([^"]*)"/gi)].map((m) => decodeEntities(m[1] ?? ''));
const urlsOf = (text: string) => text.match(/\b[a-z][a-z0-9+.-]*:[^\s<>()]+/gi)?.filter((u) => /^(https?|mailto):/i.test(u)) ?? [];

/** A link a reader can follow: absolute, and when it is the service's own, to a route that exists. */
function linkProblem(url: string, serviceOrigin: string): { level: Level; message: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { level: 'error', message: `link "${url}" is not absolute: mail apps open links from nowhere, so each needs https://host/...` };
  }
  if (parsed.protocol === 'mailto:') return undefined;
  if (parsed.protocol === 'http:') return { level: 'warning', message: `link ${url} is http: prefer https` };
  if (parsed.protocol !== 'https:') return { level: 'error', message: `link ${url}: only https and mailto links belong in an email` };
  if (parsed.origin === serviceOrigin && !(parsed.pathname in ROUTES)) {
    return { level: 'error', message: `link ${url} points at ${parsed.pathname}, which is no route of the service (functions/http/app.ts ROUTES)` };
  }
  return undefined;
}

function linkFindings(facts: EmailFacts): Finding[] {
  const found: Finding[] = [];
  const compiledHrefs = hrefsOf(facts.compiled.html);
  hrefsOf(facts.sent.html).forEach((url, i) => {
    const problem = linkProblem(url, facts.serviceOrigin);
    if (problem) found.push(finding(problem.level, placeIn(facts.sources, compiledHrefs[i] ?? url, facts.home), problem.message));
  });
  // Placeholders hold no line breaks, so line n of the sent text is line n of the compiled one.
  const compiledLines = facts.compiled.text.split('\n');
  facts.sent.text.split('\n').forEach((line, n) => {
    for (const url of urlsOf(line)) {
      const problem = linkProblem(url, facts.serviceOrigin);
      const needle = compiledLines[n]?.match(/\{\{\w+\}\}/)?.[0] ?? url;
      if (problem) found.push(finding(problem.level, placeIn(facts.sources, needle, facts.home), `text part: ${problem.message}`));
    }
  });
  return found;
}

function imageFindings(facts: EmailFacts): Finding[] {
  return [...facts.compiled.html.matchAll(/<img\b[^>]*>/gi)].flatMap(([tag]) => {
    const src = /\bsrc\s*=\s*"([^"]*)"/i.exec(tag)?.[1] ?? '';
    const alt = /\balt\s*=\s*"([^"]*)"/i.exec(tag);
    const where = placeIn(facts.sources, src || tag, facts.home);
    if (!alt) return [finding('error', where, `image ${src} has no alt text: screen readers and mail apps that block images show nothing`)];
    if (alt[1]?.trim() === '') return [finding('warning', where, `image ${src} has an empty alt: fine only if it is decoration`)];
    return [];
  });
}

/**
 * "Today’s step" heads one box in each part of a lesson (the layout's), and none in a notice. Only
 * the heading counts: the phrase inside a sentence of the lesson is fine.
 */
function stepFindings(facts: EmailFacts): Finding[] {
  const want = facts.kind === 'lesson' ? 1 : 0;
  const heading = { html: />\s*today[’']s step\s*</gi, text: /^\s*today[’']s step\s*$/gim };
  return (['html', 'text'] as const).flatMap((part) => {
    const n = (facts.sent[part].match(heading[part]) ?? []).length;
    if (n === want) return [];
    // The box is the templates' to give: a missing or doubled one is placed in this part's template.
    const templates = facts.sources.filter((s) => s.file.endsWith(part === 'html' ? '.mjml' : '.txt'));
    const fallback = templates[0] ? { file: templates[0].file, line: 1 } : facts.home;
    // The heading where there is one ("Was today's step helpful?" in a sentence is not it); else line 1.
    const end = part === 'html' ? '</h2>' : '\n';
    const where = placeIn(templates, `today’s step${end}`, placeIn(templates, `today's step${end}`, fallback));
    return [finding('error', where, `the ${part} part has ${n} "Today’s step" headings (a ${facts.kind} has ${want})`)];
  });
}

/** Lengths, lock-screen words and words are the build's own checks, repeated for every email and placed. */
function textFindings(facts: EmailFacts): Finding[] {
  const found: Finding[] = [];
  const subjectAt = placeIn(facts.sources, facts.subject, facts.home);
  const preheaderAt = placeIn(facts.sources, facts.preheader, facts.home);
  const subjectLength = [...facts.subject].length;
  if (subjectLength > LIMITS.subject) found.push(finding('error', subjectAt, `subject is ${subjectLength} characters (at most ${LIMITS.subject})`));
  else if (subjectLength > LOCK_SCREEN_SUBJECT) {
    found.push(finding('warning', subjectAt, `subject is ${subjectLength} characters: a phone's lock screen cuts it after about ${LOCK_SCREEN_SUBJECT}`));
  }
  const preheaderLength = [...facts.preheader].length;
  if (preheaderLength > LIMITS.preheader) found.push(finding('error', preheaderAt, `preheader is ${preheaderLength} characters (at most ${LIMITS.preheader})`));
  else if (preheaderLength < SHORT_PREHEADER) {
    found.push(finding('warning', preheaderAt, `preheader is ${preheaderLength} characters: inbox previews fill the rest with the email's next words`));
  }
  for (const [field, value, where] of [['subject', facts.subject, subjectAt], ['preheader', facts.preheader, preheaderAt]] as const) {
    found.push(...checkLockScreen(at(where.file, where.line), field, value).map((e) => parseFinding(e)));
  }
  if (facts.body !== undefined) {
    const bodyAt = placeIn(facts.sources, facts.body.split('\n')[0] ?? '', facts.home);
    found.push(...checkWordCount(at(bodyAt.file, bodyAt.line), markdownToText(facts.body)).map((e) => parseFinding(e)));
  }
  return found;
}

function sizeFindings(facts: EmailFacts): Finding[] {
  const bytes = Buffer.byteLength(facts.sent.html, 'utf8');
  const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;
  if (bytes >= MAX_HTML_BYTES) return [finding('error', facts.home, `HTML is ${kb(bytes)}: Gmail clips it at ${kb(MAX_HTML_BYTES)} and hides the unsubscribe link`)];
  if (bytes >= MAX_HTML_BYTES * CLIP_WARNING) return [finding('warning', facts.home, `HTML is ${kb(bytes)}, close to Gmail's clip at ${kb(MAX_HTML_BYTES)}`)];
  return [];
}

export type EmailFigures = { subjectLength: number; preheaderLength: number; htmlBytes: number; words?: number; readingMinutes?: number };

export function emailFigures(facts: EmailFacts): EmailFigures {
  const words = facts.body === undefined ? undefined : countWords(markdownToText(facts.body));
  return {
    subjectLength: [...facts.subject].length,
    preheaderLength: [...facts.preheader].length,
    htmlBytes: Buffer.byteLength(facts.sent.html, 'utf8'),
    ...(words === undefined ? {} : { words, readingMinutes: Math.max(1, Math.round(words / WORDS_PER_MINUTE)) }),
  };
}

/** Every check on one email; errors first. */
export function checkEmail(facts: EmailFacts): Finding[] {
  const all = [...textFindings(facts), ...stepFindings(facts), ...linkFindings(facts), ...imageFindings(facts), ...sizeFindings(facts)];
  return [...all.filter((f) => f.level === 'error'), ...all.filter((f) => f.level === 'warning')];
}
