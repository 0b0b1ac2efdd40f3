// The 24 emails a reader can receive, with sample reader data: filled for the previews, and
// as the exact raw message the send path builds for a production setting (the .eml previews,
// scored by the spam-filter test and by npm run emails:score).
import { createCapturingMailer } from '../functions/adapters/capturing-mailer.js';
import { createMemoryStore } from '../functions/adapters/memory-store.js';
import {
  escapeHtml, fillTemplate, greetingFor, type CompiledCourse, type CompiledEmail, type Placeholders,
} from '../functions/core/message.js';
import { parseKeyring } from '../functions/core/tokens.js';
import type { ServiceDeps } from '../functions/services/deps.js';
import { sendTemplate } from '../functions/services/notify.js';

export type EmailKind = 'confirmation' | 'alreadyEnrolled' | 'lesson' | 'complete';
export interface PreviewEmail { slug: string; kind: EmailKind; label: string; email: CompiledEmail }
export interface FilledEmail { subject: string; preheader: string; html: string; text: string }

// Real tokens are ~150 characters of base64url; samples of that length show how long links wrap.
const token = (purpose: string): string => `sample-${purpose}-${'Zm9yLXByZXZpZXctb25seQ'.repeat(6)}`;
export const SAMPLE_VALUES: Required<Placeholders> = {
  greeting: greetingFor('Sam'),
  confirmUrl: `https://letgo.example/confirm?t=${token('confirm')}`,
  preferencesUrl: `https://letgo.example/preferences?t=${token('preferences')}`,
  unsubscribeUrl: `https://letgo.example/unsubscribe?t=${token('unsubscribe')}`,
  safetyUrl: 'https://letgo.example/safety',
  authorName: 'Robin from Let Go',
};

/**
 * A production deployment as `sst deploy` configures one: links on the API's Function URL (https),
 * real tokens from a fixed sample key. Domains are under .example (RFC 2606), which never resolves,
 * so a filter with network access scores what it would score offline.
 */
export const PRODUCTION_SAMPLE: ServiceDeps['config'] = {
  baseUrl: 'https://q3x7d2kzt5oyzvdmwq4dbxgqsi0lmnop.lambda-url.eu-west-1.on.aws',
  mailFrom: 'Let Go <course@mail.letgo.example>',
  replyTo: 'Robin <robin@letgo.example>',
  authorName: 'Robin from Let Go',
  unsubscribeMailto: 'mailto:unsubscribe@letgo.example?subject=unsubscribe',
  keys: parseKeyring(`p1:${Buffer.alloc(32, 7).toString('base64')}`),
};

/** Each email exactly as the send path builds it for a reader (services/notify.ts, composeMessage). */
export async function rawMessages(course: CompiledCourse, config = PRODUCTION_SAMPLE): Promise<Array<{ item: PreviewEmail; raw: string }>> {
  const mailer = createCapturingMailer();
  const now = new Date('2026-12-01T08:00:00Z');
  const deps: ServiceDeps = { store: createMemoryStore(), mailer, clock: { now: () => now }, course, config };
  const reader = { email: 'sam.reader@example.net', firstName: 'Sam' };
  const out: Array<{ item: PreviewEmail; raw: string }> = [];
  for (const item of previewEmails(course)) {
    const optinId = item.kind === 'confirmation' ? 'sample-optin-0001' : undefined;
    await sendTemplate(deps, { ...reader, optinId }, item.email, now);
    out.push({ item, raw: mailer.sent.at(-1)?.raw ?? '' });
  }
  return out;
}

/** The 24 emails a reader can receive, in the order they would arrive. */
export function previewEmails(course: CompiledCourse): PreviewEmail[] {
  return [
    { slug: '00-confirmation', kind: 'confirmation', label: 'Confirmation', email: course.confirmation },
    { slug: '00-already-enrolled', kind: 'alreadyEnrolled', label: 'Already enrolled', email: course.alreadyEnrolled },
    ...course.lessons.map((l): PreviewEmail => ({
      slug: `day-${String(l.day).padStart(2, '0')}`, kind: 'lesson', label: `Day ${l.day}`, email: l,
    })),
    { slug: '99-complete', kind: 'complete', label: 'Course complete (signs up again)', email: course.complete },
  ];
}

/** Fill one compiled email exactly as functions/services/notify.ts does before sending. */
export function fillSample(email: CompiledEmail, values: Placeholders = SAMPLE_VALUES): FilledEmail {
  return {
    subject: email.subject,
    preheader: email.preheader,
    html: fillTemplate(email.html, values, escapeHtml),
    text: fillTemplate(email.text, values, (value) => value),
  };
}
