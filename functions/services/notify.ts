import { greetingFor, type CompiledEmail } from '../core/message.js';
import { composeMessage } from '../core/mime.js';
import type { Subscriber } from '../core/subscriber.js';
import { readerLinks, type ServiceDeps } from './deps.js';

/**
 * Fills a precompiled email for one reader and sends it. Used by the form
 * (confirmation, already-enrolled, complete) and by the drip (lessons).
 */
export async function sendTemplate(
  deps: ServiceDeps,
  sub: Pick<Subscriber, 'email' | 'firstName'> & { optinId?: string },
  template: CompiledEmail,
  now: Date,
): Promise<{ messageId: string }> {
  const links = readerLinks(deps, sub.email, now, sub.optinId);
  const { baseUrl, authorName } = deps.config;
  const values = { greeting: greetingFor(sub.firstName), ...links, safetyUrl: `${baseUrl}/safety`, authorName };
  const raw = composeMessage(template, {
    from: deps.config.mailFrom,
    replyTo: deps.config.replyTo,
    to: sub.email,
    date: now,
    unsubscribeMailto: deps.config.unsubscribeMailto,
    values,
  });
  return deps.mailer.send({ from: deps.config.mailFrom, to: sub.email, raw });
}
