import { compileCourse } from '../build-emails.js';
import type { MjmlCache } from '../mjml-compile.js';
import { CourseError, type Finding } from '../findings.js';
import { lintCourse, scoreSpam, type LintReport } from '../lint/lint-course.js';
import type { Filters } from '../spam-filters.js';

/**
 * What the dev page shows: the last build that worked (with its lint), and, when the latest change
 * does not build, what is wrong with it. `version` goes up with every change of either, so an open
 * page knows when to update.
 */
export type DevState = {
  version: number;
  builtAt?: Date;
  buildMs?: number;
  report?: LintReport;
  /** The latest change's errors; the page shows them above the last build that worked. */
  problems?: Finding[];
  /** Spam scores are still being computed for this build (they come after, when filters run). */
  scoring: boolean;
};

export type BuilderOptions = { contentDir: string; templatesDir: string; articleFile?: string; spam?: Filters };

export function createBuilder(options: BuilderOptions) {
  const cache: MjmlCache = new Map();
  const listeners = new Set<(state: DevState) => void>();
  let state: DevState = { version: 0, scoring: false };
  let running: Promise<void> | undefined;
  let again = false;
  let generation = 0;

  const publish = (next: Omit<DevState, 'version'>) => {
    state = { ...next, version: state.version + 1 };
    for (const listener of listeners) listener(state);
  };

  async function build(): Promise<void> {
    const started = performance.now();
    const mine = ++generation;
    try {
      const course = await compileCourse({ contentDir: options.contentDir, templatesDir: options.templatesDir, cache });
      const { contentDir, templatesDir, articleFile } = options;
      const report = await lintCourse({ course, contentDir, templatesDir, articleFile, previous: state.report });
      if (options.spam) {
        // Scored here after the build is shown, not by the lint: say which filters are missing instead.
        report.skipped = [...report.skipped.filter((s) => !s.startsWith('spam scores:')), ...options.spam.missing.map((m) => `spam scores by ${m}: not installed`)];
      }
      publish({ builtAt: new Date(), buildMs: Math.round(performance.now() - started), report, scoring: Boolean(options.spam) });
      if (options.spam) void score(report, options.spam, mine);
    } catch (error) {
      // The server keeps running whatever the files hold: a broken file is shown, not thrown.
      const problems = error instanceof CourseError
        ? error.findings
        : [{ level: 'error' as const, file: '', message: `the build failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}` }];
      publish({ ...state, problems, scoring: false });
    }
  }

  /** Spam scores for a build, added when they are all in, unless a newer build came meanwhile. */
  async function score(report: LintReport, spam: Filters, mine: number): Promise<void> {
    try {
      for (const email of report.emails) {
        if (mine !== generation) return;
        if (email.spam) continue; // unchanged since the last build: scored then
        const scored = await scoreSpam(spam, email.raw, email.home);
        email.spam = scored.spam;
        email.findings.unshift(...scored.findings);
      }
    } catch (error) {
      report.skipped.push(`spam scores: the filters failed (${error instanceof Error ? error.message : String(error)})`);
    }
    if (mine === generation) publish({ ...state, report, scoring: false });
  }

  /** Builds now, or right after the build in progress (saves during a build coalesce into one). */
  function rebuild(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await build();
      } while (again);
      running = undefined;
    })();
    return running;
  }

  return {
    current: () => state,
    rebuild,
    onChange(listener: (state: DevState) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
export type Builder = ReturnType<typeof createBuilder>;
