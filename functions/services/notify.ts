import { signRecordLink } from '../core/link-tokens.js';
import { greetingFor, type CompiledEmail, type Placeholders } from '../core/message.js';
import { composeMessage } from '../core/mime.js';
import type { NoticeTemplate, Subscriber } from '../core/subscriber.js';
import { readerLinks, type ServiceDeps } from './deps.js';
import { helpfulUrls } from './helpful.js';

/**
 * Fills a precompiled email for one reader and sends it: the drip's lessons
 * and the outbox's notices. Links come from the record (services/links.ts).
 */
export async function sendTemplate(
  deps: ServiceDeps,
  sub: Subscriber,
  template: CompiledEmail,
  now: Date,
  values: Partial<Placeholders> & { greeting?: string } = {},
): Promise<{ messageId: string }> {
  const raw = composeMessage(template, {
    from: deps.config.mailFrom,
    replyTo: deps.config.replyTo,
    to: sub.email,
    date: now,
    unsubscribeMailto: deps.config.unsubscribeMailto,
    values: {
      greeting: greetingFor(sub.firstName),
      ...readerLinks(deps, sub, sub.status === 'pending'),
      safetyUrl: `${deps.config.baseUrl}/safety`,
      authorName: deps.config.authorName,
      // A lesson asks "was today's step helpful?" with two links of its own.
      ...('day' in template && typeof template.day === 'number' ? helpfulUrls(deps, sub, template.day) : {}),
      ...values,
    },
  });
  return deps.mailer.send({ from: deps.config.mailFrom, to: sub.email, raw });
}

/**
 * A notice from the outbox. The confirmation greets no one by name: until the
 * address is confirmed, the name is whatever a stranger typed into the form.
 */
export function sendNotice(deps: ServiceDeps, sub: Subscriber, template: NoticeTemplate, now: Date) {
  if (template === 'confirmation') return sendTemplate(deps, sub, deps.course.confirmation, now, { greeting: greetingFor(undefined) });
  if (template === 'dataExport' || template === 'dataDelete') {
    if (!sub.dataLink || !sub.linkId) throw new Error('a data-link notice needs an open data link');
    const token = signRecordLink(deps.config.keys, 'data', { linkId: sub.linkId, secret: sub.dataLink.nonce });
    return sendTemplate(deps, sub, deps.course[template], now, { dataUrl: `${deps.config.baseUrl}/data?t=${token}` });
  }
  return sendTemplate(deps, sub, deps.course[template], now);
}
