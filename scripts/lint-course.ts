// `npm run lint:course [-- --content <dir> --templates <dir> --article <file> --no-spam]`: every email
// of the course checked as a reader receives it (scripts/lint/), each finding at its file and line.
// Errors make it exit 1; warnings do not. CI runs it before the tests.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatFinding, type Finding } from './findings.js';
import { allFindings, lintCourse, type EmailReport, type LintReport } from './lint/lint-course.js';
import { installedFilters, points, startSpamFilters, type Filters } from './spam-filters.js';

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

function emailLine(e: EmailReport): string {
  const f = e.figures;
  const parts = [
    `subject ${f.subjectLength} ch`, `preheader ${f.preheaderLength} ch`,
    ...(f.words === undefined ? [] : [`${f.words} words (${f.readingMinutes} min)`]), `HTML ${kb(f.htmlBytes)}`,
    ...(e.spam?.spamassassin ? [`SpamAssassin ${points(e.spam.spamassassin)}`] : []),
    ...(e.spam?.rspamd ? [`rspamd ${points(e.spam.rspamd)}`] : []),
  ];
  return `${e.item.id.padEnd(16)} ${e.item.email.subject}\n${' '.repeat(17)}${parts.join(' · ')}`;
}

export function printReport(report: LintReport, log: (line: string) => void = console.log): { errors: number; warnings: number } {
  const line = (f: Finding) => `  ${formatFinding({ ...f, message: f.level === 'error' ? `error: ${f.message}` : f.message })}`;
  for (const f of report.findings) log(line(f));
  for (const e of report.emails) {
    log(emailLine(e));
    for (const f of e.findings) log(line(f));
  }
  for (const reason of report.skipped) log(`skipped: ${reason}`);
  const all = allFindings(report);
  const count = { errors: all.filter((f) => f.level === 'error').length, warnings: all.filter((f) => f.level === 'warning').length };
  log(`\n${count.errors} ${count.errors === 1 ? 'error' : 'errors'}, ${count.warnings} ${count.warnings === 1 ? 'warning' : 'warnings'} in ${report.emails.length} emails`);
  return count;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { content: { type: 'string' }, templates: { type: 'string' }, article: { type: 'string' }, 'no-spam': { type: 'boolean', default: false } },
  });
  const resolve = (p: string | undefined) => p && path.resolve(p);
  const installed = installedFilters();
  let spam: Filters | undefined;
  if (!values['no-spam'] && (installed.spamassassin || installed.rspamd)) {
    console.log('starting the spam filters installed here (SpamAssassin, rspamd) to score every email…');
    spam = await startSpamFilters();
  }
  try {
    const report = await lintCourse({
      contentDir: resolve(values.content ?? process.env.LETGO_CONTENT_DIR),
      templatesDir: resolve(values.templates),
      articleFile: resolve(values.article),
      spam,
    });
    if (values['no-spam']) report.skipped = report.skipped.map((s) => (s.startsWith('spam scores:') ? 'spam scores: --no-spam' : s));
    const { errors } = printReport(report);
    if (errors > 0) process.exitCode = 1;
  } finally {
    await spam?.stop();
  }
}

await main().catch((e: unknown) => {
  console.error(`lint-course: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
