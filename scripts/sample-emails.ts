// The 26 emails a reader can receive, with sample reader data: filled for the previews, and
// as the exact raw message the send path builds for a production setting (the .eml previews,
// scored by the spam-filter test and by npm run emails:score).
import { createCapturingMailer } from '../functions/adapters/capturing-mailer.js';
import { createMemoryStore } from '../functions/adapters/memory-store.js';
import {
  escapeHtml, fillTemplate, greetingFor, type CompiledCourse, type CompiledEmail, type Placeholders,
} from '../functions/core/message.js';
import { createMemoryRateLimiter } from '../functions/adapters/rate-limiters.js';
import { signRecordLink } from '../functions/core/link-tokens.js';
import { activate, newPending, type Subscriber } from '../functions/core/subscriber.js';
import { parseKeyring } from '../functions/core/tokens.js';
import type { ServiceDeps } from '../functions/services/deps.js';
import { helpfulUrls } from '../functions/services/helpful.js';
import { sendTemplate } from '../functions/services/notify.js';

export type EmailKind = 'confirmation' | 'alreadyEnrolled' | 'lesson' | 'complete' | 'dataExport' | 'dataDelete';
/** `id`: how commands name it (`day-03`, `confirmation`); `slug` also sorts it, for file names. */
export interface PreviewEmail { slug: string; id: string; kind: EmailKind; label: string; email: CompiledEmail }
export interface FilledEmail { subject: string; preheader: string; html: string; text: string }

/** The sample reader's record: link ids as the notice worker assigns them (8 and 6 random bytes). */
const SAMPLE_LINK = { linkId: 'c2FtcGxlMDE', linkSecret: 'c2VjcmV0', optinId: 'b3B0aW4x', nonce: 'ZGF0YTAx' };
const sampleKeys = parseKeyring(`p1:${Buffer.alloc(32, 7).toString('base64')}`);
const sampleLink = (path: string, purpose: 'confirm' | 'preferences' | 'unsubscribe' | 'data', secret?: string) =>
  `https://letgo.example${path}?t=${signRecordLink(sampleKeys, purpose, { linkId: SAMPLE_LINK.linkId, secret })}`;
export const SAMPLE_VALUES: Required<Placeholders> = {
  greeting: greetingFor('Sam'),
  confirmUrl: sampleLink('/confirm', 'confirm', SAMPLE_LINK.optinId),
  preferencesUrl: sampleLink('/preferences', 'preferences', SAMPLE_LINK.linkSecret),
  unsubscribeUrl: sampleLink('/unsubscribe', 'unsubscribe'),
  dataUrl: sampleLink('/data', 'data', SAMPLE_LINK.nonce),
  ...helpfulUrls({ config: { baseUrl: 'https://letgo.example', keys: sampleKeys } }, SAMPLE_LINK, 1),
  // The author's mail (issue 13), with figures as a digest or an alert would say them.
  signinUrl: `https://letgo.example/admin/sign-in?t=${sampleKeys.current}.c2lnbmluc2FtcGxlMDEyMzQ1Njc4OQ`,
  consoleUrl: 'https://letgo.example/admin',
  digestPeriod: 'Monday 23 November to Sunday 29 November 2026.',
  digestReaders: '14 signed up and 11 confirmed (79%). 6 finished the course. 52 are in the course now, 3 on a break.',
  digestLeft: 'Most readers who left did so after day 4 (3 of 9 this far).',
  digestHelpful: 'Day 6 had the most yes answers (8 of 9). Day 12 the most not really (4 of 10); the latest comment there: “Too much on a Monday.”',
  digestHealth: 'Healthy: 0 bounces and 0 complaints in 310 sends over 7 days. Sending is on.',
  alertText: 'Day 4 lost 6 of its last 24 readers to unsubscribing (25%), twice the course average (9%).',
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
  keys: sampleKeys,
  hashKey: Buffer.alloc(32, 8),
};

/**
 * One email sent to `confirmed` (or, for the confirmation, to `pending`) exactly as production
 * sends it (services/notify.ts, composeMessage): the confirmation greets no one by name, a data
 * link carries the record's nonce.
 */
export function sendSample(deps: ServiceDeps, item: PreviewEmail, reader: { pending: Subscriber; confirmed: Subscriber }, now: Date, nonce = SAMPLE_LINK.nonce) {
  const sub = item.kind === 'confirmation' ? reader.pending : reader.confirmed;
  const values = item.kind === 'confirmation'
    ? { greeting: greetingFor(undefined) }
    : item.kind.startsWith('data')
      ? { dataUrl: `${deps.config.baseUrl}/data?t=${signRecordLink(deps.config.keys, 'data', { linkId: sub.linkId ?? '', secret: nonce })}` }
      : {};
  return sendTemplate(deps, sub, item.email, now, values);
}

/** A reader record for sample sends: pending, then confirmed, with the link ids given. */
export function sampleReader(email: string, now: Date, link: { linkId: string; linkSecret: string; optinId: string }, firstName?: string) {
  const consent = { at: now.toISOString(), ip: '192.0.2.1', userAgent: 'sample', formVersion: '1' };
  const pending = newPending({ email, firstName, timezone: 'Europe/London', sendHour: 8, consent }, link.optinId, now, 0, link);
  return { pending, confirmed: activate(pending, now) };
}

/** Each email exactly as the send path builds it for a reader (services/notify.ts, composeMessage). */
export async function rawMessages(course: CompiledCourse, config = PRODUCTION_SAMPLE): Promise<Array<{ item: PreviewEmail; raw: string }>> {
  const mailer = createCapturingMailer();
  const now = new Date('2026-12-01T08:00:00Z');
  const deps: ServiceDeps = { store: createMemoryStore(), mailer, clock: { now: () => now }, course, config, limiter: createMemoryRateLimiter() };
  const reader = sampleReader('sam.reader@example.net', now, SAMPLE_LINK, 'Sam');
  const out: Array<{ item: PreviewEmail; raw: string }> = [];
  for (const item of previewEmails(course)) {
    await sendSample(deps, item, reader, now);
    out.push({ item, raw: mailer.sent.at(-1)?.raw ?? '' });
  }
  return out;
}

/** The 26 emails a reader can receive, in the order they would arrive. */
export function previewEmails(course: CompiledCourse): PreviewEmail[] {
  return [
    { slug: '00-confirmation', id: 'confirmation', kind: 'confirmation', label: 'Confirmation', email: course.confirmation },
    { slug: '00-already-enrolled', id: 'already-enrolled', kind: 'alreadyEnrolled', label: 'Already enrolled', email: course.alreadyEnrolled },
    ...course.lessons.map((l): PreviewEmail => {
      const slug = `day-${String(l.day).padStart(2, '0')}`;
      return { slug, id: slug, kind: 'lesson', label: `Day ${l.day}`, email: l };
    }),
    { slug: '99-complete', id: 'complete', kind: 'complete', label: 'Course complete (signs up again)', email: course.complete },
    { slug: '99-data-export', id: 'data-export', kind: 'dataExport', label: 'Data download link', email: course.dataExport },
    { slug: '99-data-delete', id: 'data-delete', kind: 'dataDelete', label: 'Data deletion link', email: course.dataDelete },
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
