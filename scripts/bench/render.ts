import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import course from '../../build/emails.json' with { type: 'json' };
import { escapeHtml, greetingFor, type CompiledCourse } from '../../functions/core/message.js';
import { composeMessage } from '../../functions/core/mime.js';
import { readerLinks } from '../../functions/services/deps.js';
import { helpfulUrls } from '../../functions/services/helpful.js';
import { fillTemplate, readTemplates, why } from '../build-emails.js';
import { loadCourse, markdownToHtml, toLessons } from '../course.js';
import { createMemoryStore } from '../../functions/adapters/memory-store.js';
import { benchConfig, benchDeps, NOW, reader, sinkMailer } from './readers.js';

type Mjml2Html = (mjml: string, options: { validationLevel: 'strict'; fonts: Record<string, string>; keepComments: boolean }) => Promise<{ html: string }>;
const mjml2html = createRequire(import.meta.url)('mjml') as Mjml2Html;
const TOTAL_DAYS = (course as CompiledCourse).totalDays;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Each lesson's MJML as the build assembles it (scripts/build-emails.ts): body into the shared layout. */
function lessonSources(): string[] {
  const templates = readTemplates(path.join(ROOT, 'emails'));
  return toLessons(loadCourse(path.join(ROOT, 'content')).lessons).map((lesson) => {
    const body = fillTemplate(
      templates['lesson.mjml'],
      {
        day: String(lesson.day),
        totalDays: String(TOTAL_DAYS),
        progressPercent: String(Math.round((lesson.day / TOTAL_DAYS) * 1000) / 10),
        subject: escapeHtml(lesson.subject),
        action: escapeHtml(lesson.action),
        body: markdownToHtml(lesson.body),
      },
      {},
      'emails/lesson.mjml',
    );
    // As the build fills the layout for a lesson: its footer line, the reader's footer, the preferences link.
    const values = { body, title: escapeHtml(lesson.subject), preheader: escapeHtml(lesson.preheader), why: escapeHtml(why('lesson', TOTAL_DAYS)) };
    return fillTemplate(templates.layout, values, { preferences: true, reader: true }, 'emails/layout.mjml');
  });
}

/** Mean ms per call over `rounds` calls, after a warm-up, cycling over the lessons. */
async function perCall(rounds: number, call: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < Math.min(rounds, 200); i++) await call(i);
  const started = performance.now();
  for (let i = 0; i < rounds; i++) await call(i);
  return (performance.now() - started) / rounds;
}

/**
 * What sending costs per email if the lesson's MJML were compiled at send time,
 * against what we do: fill the precompiled HTML and text, and build the MIME.
 * Both are warm (JIT and mjml's caches), so the ratio is the steady state.
 */
export async function measureRender() {
  const sources = lessonSources();
  const options = { validationLevel: 'strict' as const, fonts: {}, keepComments: false };
  // For the record: a fresh process's first compile (a cold Lambda would pay it once).
  const coldStarted = performance.now();
  await mjml2html(sources[0] ?? '', options);
  const firstCompileMs = performance.now() - coldStarted;
  const mjmlMs = await perCall(3 * TOTAL_DAYS, (i) => mjml2html(sources[i % TOTAL_DAYS] ?? '', options));
  const lessons = (course as CompiledCourse).lessons;
  // Links are per reader; made once here, so the measure is the template and MIME work alone.
  const links = readerLinks(benchDeps(createMemoryStore(), sinkMailer()), reader(1, 'due'));
  const values = { greeting: greetingFor('Sam'), ...links, ...helpfulUrls({ config: benchConfig }, reader(1, 'due'), 1), safetyUrl: `${benchConfig.baseUrl}/safety`, authorName: benchConfig.authorName };
  const oursMs = await perCall(20_000, (i) => {
    const lesson = lessons[i % TOTAL_DAYS];
    if (!lesson) throw new Error('no lesson');
    return composeMessage(lesson, {
      from: benchConfig.mailFrom,
      replyTo: benchConfig.replyTo,
      to: 'reader@bench.example',
      date: NOW,
      unsubscribeMailto: benchConfig.unsubscribeMailto,
      values,
    }).length;
  });
  return { firstCompileMs, mjmlMs, oursMs, speedup: mjmlMs / oursMs };
}
