// Writing checks on the lessons. Each is small and pure and returns errors that name the file (and
// the line, where the caller knows it: `file` may be `path:line`), so the build (validateCourse),
// `npm run lint:course` and the dev page run the same ones.
import { at } from './findings.js';

export const WORDS = { min: 250, max: 500 } as const;

/**
 * Words that tell someone glancing at a lock screen what the email is about. Whole words, any case;
 * each entry is a regular expression source (so "cheat\\w*" covers cheated, cheating, cheater).
 */
export const LOCK_SCREEN_WORDS: readonly string[] = [
  'ex', 'exes', 'break-?ups?', 'break(?:ing)? up', 'broke up', 'split up', 'dumped', 'dumping', 'no[ -]contact',
  'heartbreak\\w*', 'heartbroken', 'cheat\\w*', 'unfaithful', 'infidelity', 'affair', 'boyfriend', 'girlfriend',
  'divorc\\w*', 'unfollow\\w*',
];
const LOCK_SCREEN = new RegExp(`(?<![\\w-])(?:${LOCK_SCREEN_WORDS.join('|')})(?![\\w-])`, 'gi');

/** Words as a reader counts them: whitespace-separated runs holding a letter or digit. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => /\w/.test(w)).length;
}

/** `text` is the lesson body as the reader sees it (plain text, markdown removed). */
export function checkWordCount(file: string, text: string): string[] {
  const count = countWords(text);
  if (count >= WORDS.min && count <= WORDS.max) return [];
  return [`${file}: the body has ${count} words (keep it between ${WORDS.min} and ${WORDS.max})`];
}

/** rspamd scores SUBJECT_ENDS_QUESTION; a closing quote or bracket after the "?" counts too. */
export function checkSubjectEnding(file: string, subject: string): string[] {
  return /\?["'”’)\]]*$/.test(subject.trim()) ? [`${file}: "subject" ends with "?" (spam filters score that); rephrase it`] : [];
}

export function checkLockScreen(file: string, field: string, value: string): string[] {
  const found = [...new Set([...value.matchAll(LOCK_SCREEN)].map((m) => m[0].toLowerCase()))];
  return found.length === 0 ? [] : [
    `${file}: "${field}" shows ${found.map((w) => `"${w}"`).join(', ')} on a lock screen; keep it discreet`,
  ];
}

/**
 * The layout adds the one "Today's step" box and the sign-off; a body repeating either reads twice.
 * `firstLine`: the file's line where `body` starts, to name the offending line.
 */
export function checkBodyLeavesFrameToLayout(file: string, body: string, firstLine?: number): string[] {
  const errors: string[] = [];
  const lineAt = (index: number) => (firstLine === undefined ? undefined : firstLine + body.slice(0, index).split('\n').length - 1);
  // A heading, a label ("**Today's step:** ...") or a line of its own; the phrase inside a sentence is fine.
  const step = /^(?:#{1,6}\s*)?[*_]{0,2}today[’']s step[*_]{0,2}\s*(?::|$)/im.exec(body);
  if (step) errors.push(`${at(file, lineAt(step.index))}: the body has its own "Today’s step"; the action field is the only step`);
  const lines = body.trimEnd().split('\n');
  const lastIndex = lines.length - 1;
  const last = lines[lastIndex]?.trim() ?? '';
  if (/^(?:[—–]|--)\s*\S/.test(last) || /^(?:love|warmly|with love|best wishes|take care|xx?)[,.!]?$/i.test(last)) {
    const line = firstLine === undefined ? undefined : firstLine + lastIndex;
    errors.push(`${at(file, line)}: the body ends with a sign-off ("${last}"); the layout signs every email`);
  }
  return errors;
}

const CONTRACTED: Record<string, string> = {
  'do not': 'don’t', 'does not': 'doesn’t', 'did not': 'didn’t', 'is not': 'isn’t', 'are not': 'aren’t',
  'was not': 'wasn’t', 'were not': 'weren’t', 'have not': 'haven’t', 'has not': 'hasn’t', 'had not': 'hadn’t',
  'will not': 'won’t', 'would not': 'wouldn’t', 'could not': 'couldn’t', 'should not': 'shouldn’t',
  'cannot': 'can’t', 'can not': 'can’t',
};
const FULL = new RegExp(`\\b(?:${Object.keys(CONTRACTED).map((k) => k.replace(' ', '\\s+')).join('|')})\\b`, 'gi');
const SHORT = /\b[a-z]+n[’']t\b/gi;
const fullOf = (short: string): string => {
  const s = short.toLowerCase().replace(/'/g, '’');
  const found = Object.entries(CONTRACTED).find(([, v]) => v === s);
  return found ? found[0] : s.replace(/n’t$/, ' not');
};

/**
 * One voice: negations either all contracted ("don't") or all written out ("do not"). The form the
 * course uses most is its voice (contracted on a tie) and each use of the other is reported. Only
 * negations are checked: "it is" or "you are" often cannot contract ("who you are"), "is not" always can.
 * A Title Case "Do Not" is a name (a phone's Do Not Disturb), not the voice.
 */
export function checkContractions(texts: ReadonlyArray<{ file: string; text: string; lineOf?: (word: string) => number | undefined }>): string[] {
  const uses = texts.map(({ file, text, lineOf }) => ({
    file,
    lineOf,
    full: [...text.matchAll(FULL)].map((m) => m[0]).filter((w) => !/^[A-Z]\w*\s+Not$/.test(w)),
    short: [...text.matchAll(SHORT)].map((m) => m[0]),
  }));
  const full = uses.reduce((n, u) => n + u.full.length, 0);
  const short = uses.reduce((n, u) => n + u.short.length, 0);
  if (full === 0 || short === 0) return [];
  const contracted = short >= full;
  return uses.flatMap(({ file, lineOf, full: f, short: s }) => {
    const odd = [...new Set((contracted ? f : s).map((w) => w.toLowerCase()))];
    if (odd.length === 0) return [];
    const fix = odd.map((w) => `"${w}" (write "${contracted ? CONTRACTED[w.replace(/\s+/g, ' ')] ?? w : fullOf(w)}")`);
    const first = (contracted ? f : s)[0];
    return [`${at(file, first ? lineOf?.(first) : undefined)}: breaks the course's ${contracted ? 'contracted' : 'written-out'} voice: ${fix.join(', ')}`];
  });
}

/** Words as the copy check compares them: lower case, apostrophes dropped, only letters and digits. */
export const copyWords = (s: string): string[] =>
  s.toLowerCase().replace(/[’‘']/g, '').replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter(Boolean);
export const COPY_RUN = 7;

/**
 * Lessons are written in the project's own words: none shares a run of COPY_RUN words with the
 * source article. Each run found is named once, at the line of the lesson file where it starts.
 */
export function checkCopiedRuns(article: string, lessons: ReadonlyArray<{ file: string; raw: string }>): string[] {
  const runs = articleRuns(article);
  return lessons.flatMap(({ file, raw }) => {
    // Each word with the line it sits on, so a run found can name where it starts.
    const words = raw.split('\n').flatMap((text, i) => copyWords(text).map((word) => ({ word, line: i + 1 })));
    const copied = (i: number) => runs.has(words.slice(i, i + COPY_RUN).map((w) => w.word).join(' '));
    const found: string[] = [];
    for (let i = 0; i + COPY_RUN <= words.length; i++) {
      if (!copied(i)) continue;
      // One finding per copied stretch, however long, not one per overlapping run.
      let end = i + 1;
      while (end + COPY_RUN <= words.length && copied(end)) end++;
      const stretch = words.slice(i, end + COPY_RUN - 1).map((w) => w.word);
      const quote = stretch.length > 12 ? `${stretch.slice(0, 12).join(' ')}…` : stretch.join(' ');
      found.push(`${at(file, words[i]?.line)}: copies ${stretch.length} words in a row from the source article ("${quote}"); put it in your own words`);
      i = end + COPY_RUN - 2;
    }
    return found;
  });
}

/** The article's runs of COPY_RUN words, kept for the last article seen (a dev server checks on every save). */
let lastArticle: { text: string; runs: Set<string> } | undefined;
function articleRuns(article: string): Set<string> {
  if (lastArticle?.text === article) return lastArticle.runs;
  const source = copyWords(article);
  const runs = new Set<string>();
  for (let i = 0; i + COPY_RUN <= source.length; i++) runs.add(source.slice(i, i + COPY_RUN).join(' '));
  lastArticle = { text: article, runs };
  return runs;
}
