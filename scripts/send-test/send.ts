// One email of the course sent for the author to read in a real inbox, built exactly as production
// builds it (sendTemplate, composeMessage: real compact tokens for a sample record, List-Unsubscribe,
// Reply-To). Locally it lands in the stack's mailbox; on AWS only an address the author owns may
// receive one, at most TEST_SENDS_PER_DAY a UTC day.
import { randomUUID } from 'node:crypto';
import { LINK_ID_BYTES, randomLinkValue } from '../../functions/core/link-tokens.js';
import type { CompiledCourse } from '../../functions/core/message.js';
import { normalizeEmail } from '../../functions/core/subscriber.js';
import { MailerError } from '../../functions/ports.js';
import type { ServiceDeps } from '../../functions/services/deps.js';
import { previewEmails, sampleReader, sendSample, type PreviewEmail } from '../sample-emails.js';

export const TEST_SENDS_PER_DAY = 20;
const DAY_MS = 86_400_000;
/** The limiter's windows start at the epoch, so a day's window is a UTC day: one counter item per day. */
const QUOTA_KEY = 'test-send';

export class TestSendError extends Error {
  override name = 'TestSendError';
}

/** Who may receive a test send through SES: the author's address, or an identity SES has verified. */
export type Recipients = { authorEmail?: string; isVerified(address: string): Promise<boolean> };

export type TestSendDeps = ServiceDeps & {
  /** Set for sends through SES (--aws): the recipient check and the daily limit apply. */
  recipients?: Recipients;
};

const ADDRESS = /^[^\s@<>()\r\n,;:"]+@[^\s@<>()\r\n,;:"]+\.[^\s@<>()\r\n,;:"]+$/;

/** `day-3`, `3` and `day-03` all name the third lesson; the others by their ids (`confirmation`...). */
export function findEmail(course: CompiledCourse, id: string): PreviewEmail {
  const items = previewEmails(course);
  const day = /^(?:day-?)?0*(\d{1,2})$/i.exec(id.trim())?.[1];
  const wanted = day ? `day-${day.padStart(2, '0')}` : id.trim().toLowerCase();
  const found = items.find((item) => item.id === wanted);
  if (!found) throw new TestSendError(`no email "${id}" in this course; one of: ${items.map((i) => i.id).join(', ')}`);
  return found;
}

export type TestSendResult = { id: string; subject: string; to: string; messageId: string };

export async function sendTest(deps: TestSendDeps, id: string, address: string, firstName?: string): Promise<TestSendResult> {
  const item = findEmail(deps.course, id);
  const to = normalizeEmail(address);
  if (!ADDRESS.test(to)) throw new TestSendError(`"${address}" is not an email address (--to you@example.com)`);
  const now = deps.clock.now();
  const member = randomUUID();
  if (deps.recipients) {
    const { authorEmail, isVerified } = deps.recipients;
    if (to !== normalizeEmail(authorEmail ?? '') && !(await isVerified(to))) {
      throw new TestSendError(
        `${to} is neither AUTHOR_EMAIL${authorEmail ? ` (${authorEmail})` : ' (not set)'} nor an address or domain SES has verified: `
        + `test sends go only to you (verify it with: aws ses verify-email-identity --email-address ${to})`,
      );
    }
    const { allowed, retryAfterSeconds } = await deps.limiter.hit(QUOTA_KEY, TEST_SENDS_PER_DAY, DAY_MS, now, member);
    if (!allowed) {
      const hours = Math.ceil(retryAfterSeconds / 3600);
      throw new TestSendError(`${TEST_SENDS_PER_DAY} test sends today already (UTC): the next one can go after midnight UTC, in about ${hours} h`);
    }
  }
  // A sample reader of its own, with fresh link ids: its tokens are real, but name no stored record.
  const link = { linkId: randomLinkValue(LINK_ID_BYTES), linkSecret: randomLinkValue(), optinId: randomLinkValue() };
  try {
    const { messageId } = await sendSample(deps, item, sampleReader(to, now, link, firstName), now, randomLinkValue());
    return { id: item.id, subject: item.email.subject, to, messageId };
  } catch (error) {
    if (deps.recipients) await deps.limiter.release(QUOTA_KEY, DAY_MS, now, member);
    if (error instanceof MailerError) throw new TestSendError(`SES refused it (${error.kind}): ${error.message}`);
    throw error;
  }
}
