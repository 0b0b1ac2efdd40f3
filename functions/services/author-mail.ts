import type { CompiledEmail, Placeholders } from '../core/message.js';
import { composeMessage } from '../core/mime.js';
import type { HealthStore } from '../ports.js';
import { recordSends } from './breaker.js';
import { maskEmail, type ServiceDeps } from './deps.js';

/**
 * Mail to the author (AUTHOR_EMAIL): the console's sign-in link, the weekly
 * digest, an alert. The same MIME path as every email, without the reader's
 * footer or List-Unsubscribe (the author turns the digest off with a
 * setting, not a link). Counted for the breaker like every email SES takes.
 */
export type AuthorMailDeps = Pick<ServiceDeps, 'mailer' | 'config' | 'clock' | 'log'> & { health?: HealthStore };

export async function sendAuthorMail(deps: AuthorMailDeps, template: CompiledEmail, values: Partial<Placeholders>): Promise<{ messageId: string }> {
  const author = deps.config.author;
  if (!author) throw new Error('no AUTHOR_EMAIL: there is nobody to send the author mail to');
  const now = deps.clock.now();
  const raw = composeMessage(template, {
    from: deps.config.mailFrom,
    replyTo: deps.config.replyTo,
    to: author.email,
    date: now,
    unsubscribeMailto: deps.config.unsubscribeMailto,
    listUnsubscribe: false,
    values: { greeting: '', unsubscribeUrl: '', safetyUrl: `${deps.config.baseUrl}/safety`, authorName: deps.config.authorName, ...values },
  });
  const sent = await deps.mailer.send({ from: deps.config.mailFrom, to: author.email, raw });
  if (deps.health) await recordSends({ health: deps.health, clock: deps.clock }, 1);
  deps.log?.('author.mail-sent', { subject: template.subject, to: maskEmail(author.email), messageId: sent.messageId });
  return sent;
}
