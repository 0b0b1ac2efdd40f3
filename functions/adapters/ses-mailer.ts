import type { SESClient } from '@aws-sdk/client-ses';
import { MailerError, type Mailer, type SendQuota } from '../ports.js';
import { clientFrom, sesSdk, type ClientSource } from './aws-sdk.js';

const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException']);
/** SES refusing our setup, not an address: every reader's send would fail alike. */
const SETUP_REFUSED = new Set([
  'InvalidParameterValue',
  'AccountSendingPausedException',
  'ConfigurationSetDoesNotExistException',
  'ConfigurationSetSendingPausedException',
  'MailFromDomainNotVerifiedException',
]);
/**
 * MessageRejected reasons that are about the recipient ("Address blacklisted.",
 * "Illegal address"). "Email address is not verified" is about our sender (or
 * the sandbox), and a virus or a size limit about the message: neither is the
 * reader's fault, so those are unsendable.
 */
const ADDRESS_REASON = /blacklist|blocklist|illegal address|recipient|mailbox/i;

export type SesMailerOptions = {
  /**
   * Used when GetSendQuota cannot be read (aws-ses-v2-local does not answer it
   * at all). Keep it at or below the account's real rate: 1/s is the sandbox's.
   */
  fallbackQuota?: SendQuota;
  /** GetSendQuota answers in well under a second; past this, the fallback is used. */
  quotaTimeoutMs?: number;
  /**
   * One SendRawEmail, retries included, normally takes well under a second. A
   * stalled connection must not hold a lesson's claim until Lambda kills the
   * run: past this the send fails as transient and is retried later. Below the
   * drip's 10 s reserve before its deadline, so a send in flight ends in time.
   */
  sendTimeoutMs?: number;
  log?: (event: string, fields: Record<string, unknown>) => void;
};

export const SANDBOX_QUOTA: SendQuota = { maxSendRate: 1, max24HourSend: 200, sentLast24Hours: 0 };

/** The SES v1 adapter: SendRawEmail, with SDK errors sorted into retry classes, and GetSendQuota. */
export function createSesMailer(source: ClientSource<SESClient>, options: SesMailerOptions = {}): Mailer {
  const { fallbackQuota = SANDBOX_QUOTA, quotaTimeoutMs = 2_000, sendTimeoutMs = 5_000, log } = options;
  const client = clientFrom(source);
  let lastKnown: SendQuota | undefined;
  return {
    async send({ from, to, raw }) {
      try {
        const [{ SendRawEmailCommand }, ses] = await Promise.all([sesSdk(), client()]);
        const result = await ses.send(
          new SendRawEmailCommand({ Source: from, Destinations: [to], RawMessage: { Data: Buffer.from(raw, 'utf8') } }),
          // A timeout is an AbortError: classified transient below. SES may still have accepted the
          // message, the one duplicate DESIGN.md allows (SES has no idempotency key).
          { abortSignal: AbortSignal.timeout(sendTimeoutMs) },
        );
        if (!result.MessageId) throw new MailerError('transient', 'SES returned no MessageId');
        return { messageId: result.MessageId };
      } catch (error) {
        throw classify(error);
      }
    },
    async quota() {
      try {
        const [{ GetSendQuotaCommand }, ses] = await Promise.all([sesSdk(), client()]);
        const result = await ses.send(new GetSendQuotaCommand({}), { abortSignal: AbortSignal.timeout(quotaTimeoutMs) });
        const { MaxSendRate, Max24HourSend, SentLast24Hours } = result;
        if (!(MaxSendRate && MaxSendRate > 0) || Max24HourSend === undefined) throw new Error('GetSendQuota returned no limits');
        // SES reports -1 for "no daily limit".
        const max24HourSend = Max24HourSend < 0 ? Infinity : Max24HourSend;
        lastKnown = { maxSendRate: MaxSendRate, max24HourSend, sentLast24Hours: SentLast24Hours ?? 0 };
        return lastKnown;
      } catch (error) {
        // A run must still go out when the quota cannot be read; the last
        // answer this instance got, else the configured one, keeps it safe.
        const used = lastKnown ?? fallbackQuota;
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        (log ?? warn)('ses.quota-fallback', { reason, maxSendRate: used.maxSendRate, source: lastKnown ? 'last-known' : 'configured' });
        return used;
      }
    },
  };
}

function warn(event: string, fields: Record<string, unknown>): void {
  console.warn(JSON.stringify({ event, ...fields }));
}

function classify(error: unknown): MailerError {
  if (error instanceof MailerError) return error;
  const name = error instanceof Error ? error.name : 'Unknown';
  const message = error instanceof Error ? error.message : String(error);
  // "Maximum sending rate exceeded" arrives as a Throttling error from SES v1.
  if (THROTTLED.has(name) || /sending rate exceeded/i.test(message)) {
    return new MailerError('throttled', message, { cause: error });
  }
  // The text says which: a suppression is forever, so only a reason about the address earns it.
  if (name === 'MessageRejected' && ADDRESS_REASON.test(message) && !/not verified/i.test(message)) {
    return new MailerError('rejected', message, { cause: error });
  }
  if (name === 'MessageRejected' || SETUP_REFUSED.has(name)) return new MailerError('unsendable', `${name}: ${message}`, { cause: error });
  return new MailerError('transient', message, { cause: error });
}
