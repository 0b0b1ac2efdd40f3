/**
 * The compiled emails and their placeholders. No MJML here: templates were
 * compiled once by the build; functions/core/mime.ts turns them into messages.
 */
export type CompiledEmail = { subject: string; preheader: string; html: string; text: string };
export type CompiledLesson = CompiledEmail & { day: number; section: string; action: string };
export type CompiledCourse = {
  version: 1;
  /** The number of lessons, days 1..totalDays (content/ decides: 1 to 60). */
  totalDays: number;
  confirmation: CompiledEmail;
  alreadyEnrolled: CompiledEmail;
  complete: CompiledEmail;
  /** The emailed confirmation links for downloading and deleting one's data. */
  dataExport: CompiledEmail;
  dataDelete: CompiledEmail;
  /** The author's mail (issue 13): the console's sign-in link (the notice worker), the weekly digest and an alert (the drip; not in the notice worker's file). */
  signin: CompiledEmail;
  digest?: CompiledEmail;
  alert?: CompiledEmail;
  lessons: CompiledLesson[];
  /** Each lesson's day and subject, in bundles that carry no lessons (the API's console counts them). */
  outline?: LessonOutline[];
};

export type LessonOutline = { day: number; subject: string };

/** The course's lessons, by day and subject, whether or not this bundle carries them. */
export function courseOutline(course: Pick<CompiledCourse, 'lessons' | 'outline'>): LessonOutline[] {
  return course.lessons.length ? course.lessons.map(({ day, subject }) => ({ day, subject })) : (course.outline ?? []);
}

export type Placeholders = {
  greeting: string;
  unsubscribeUrl: string;
  /** The service's /safety page, in every email's footer. */
  safetyUrl: string;
  /** Who signs the emails (AUTHOR_NAME). */
  authorName: string;
  confirmUrl?: string;
  preferencesUrl?: string;
  dataUrl?: string;
  /** A lesson's "was today's step helpful?" answers (services/helpful.ts). */
  helpfulYesUrl?: string;
  helpfulNoUrl?: string;
  /** The author's mail: the console, its one-time sign-in link, the digest's lines, an alert's reason. */
  signinUrl?: string;
  consoleUrl?: string;
  digestPeriod?: string;
  digestReaders?: string;
  digestLeft?: string;
  digestHelpful?: string;
  digestHealth?: string;
  alertText?: string;
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** Replaces every `{{name}}`; a placeholder without a value is a bug, so it throws. */
export function fillTemplate(template: string, values: Placeholders, escape: (value: string) => string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => {
    const value = values[name as keyof Placeholders];
    if (value === undefined) throw new Error(`template placeholder {{${name}}} has no value`);
    return escape(value);
  });
}

export function greetingFor(firstName: string | undefined): string {
  return firstName ? `Hi ${firstName},` : 'Hi,';
}
