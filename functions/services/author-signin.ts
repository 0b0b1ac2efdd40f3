import { createHmac } from 'node:crypto';
import { keyedHash } from '../core/abuse-keys.js';
import { normalizeEmail } from '../core/subscriber.js';
import { MailerError, type NoticeJob } from '../ports.js';
import { sendAuthorMail, type AuthorMailDeps } from './author-mail.js';
import { SIGNIN_LIMIT, signInUrl } from './author.js';
import { maskEmail, type ServiceDeps } from './deps.js';

/**
 * The sign-in link's email, sent by the notice worker (services/notices.ts);
 * apart from services/author.ts so the API, which only enqueues, never
 * bundles the MIME code.
 */
export type SignInJob = Extract<NoticeJob, { kind: 'signin' }>;

/** The notice worker's side: the link goes to AUTHOR_EMAIL, and only when that is the address typed. */
export async function sendSignIn(deps: AuthorMailDeps & Pick<ServiceDeps, 'course' | 'limiter'>, job: SignInJob): Promise<'sent' | 'nothing-to-send' | 'rate-limited' | 'rejected'> {
  const author = deps.config.author;
  if (!author || normalizeEmail(job.email) !== author.email) {
    deps.log?.('author.signin-ignored', { email: maskEmail(job.email) });
    return 'nothing-to-send';
  }
  const key = `signin:${keyedHash(deps.config.hashKey, author.email)}`;
  const at = new Date(job.at);
  if (!(await deps.limiter.hit(key, SIGNIN_LIMIT.limit, SIGNIN_LIMIT.windowMs, at, job.id)).allowed) return 'rate-limited';
  // Derived from the job, so a retried job mails the same single-use link, not a second one.
  const nonce = createHmac('sha256', deps.config.hashKey).update(`signin:${job.id}`).digest().subarray(0, 6);
  try {
    await sendAuthorMail(deps, deps.course.signin, { signinUrl: signInUrl(deps, at.getTime(), nonce) });
  } catch (error) {
    if (!(error instanceof MailerError) || error.kind !== 'rejected') throw error;
    await deps.limiter.release(key, SIGNIN_LIMIT.windowMs, at, job.id);
    return 'rejected';
  }
  return 'sent';
}

