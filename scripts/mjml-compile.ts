import { createRequire } from 'node:module';
import { at, CourseError } from './findings.js';
import type { Mapped } from './template-fill.js';

type MjmlIssue = { line?: number; message?: string; tagName?: string };
interface MjmlOptions { validationLevel: 'strict' | 'soft' | 'skip'; fonts: Record<string, string>; keepComments: boolean }
type Mjml2Html = (mjml: string, options: MjmlOptions) => Promise<{ html: string; errors: MjmlIssue[] }>;
// mjml ships no type declarations; load it through require with an explicit signature.
const mjml2html = createRequire(import.meta.url)('mjml') as Mjml2Html;

/**
 * MJML's output for an assembled email, by its source: compiling is deterministic, so a dev server
 * that rebuilds on every save recompiles only the emails whose source changed (10 to 40 ms each).
 */
export type MjmlCache = Map<string, string>;
const CACHE_SIZE = 500;

/**
 * MJML's complaints about the assembled email, each placed back where its line came from
 * (the layout, the email's template, or the lesson).
 */
function mjmlFindings(issues: MjmlIssue[] | undefined, error: unknown, source: Mapped, label: string): CourseError {
  if (!Array.isArray(issues) || issues.length === 0) {
    return new CourseError([`${label}: MJML could not compile it (${error instanceof Error ? error.message : String(error)})`]);
  }
  return new CourseError(issues.map((d) => {
    const origin = d.line ? source.origins[d.line - 1] : undefined;
    const where = origin ? at(origin.file, origin.line) : label;
    return `${where}: ${d.tagName ? `<${d.tagName}> ` : ''}${d.message ?? 'invalid MJML'}${origin?.file === label ? '' : ` (in ${label})`}`;
  }));
}

/** Strict MJML to HTML; any complaint is a CourseError at the source lines it names. */
export async function compileMjml(source: Mapped, label: string, cache?: MjmlCache): Promise<string> {
  const known = cache?.get(source.text);
  if (known !== undefined) return known;
  let result: Awaited<ReturnType<Mjml2Html>>;
  try {
    result = await mjml2html(source.text, { validationLevel: 'strict', fonts: {}, keepComments: false });
  } catch (e) {
    // Strict validation throws a ValidationError carrying them as `errors`.
    throw mjmlFindings((e as { errors?: MjmlIssue[] }).errors, e, source, label);
  }
  if (result.errors.length > 0) throw mjmlFindings(result.errors, undefined, source, label);
  if (cache && cache.size >= CACHE_SIZE) cache.clear();
  cache?.set(source.text, result.html);
  return result.html;
}
