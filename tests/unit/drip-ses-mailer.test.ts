import { GetSendQuotaCommand, SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { describe, expect, it } from 'vitest';
import { createSesMailer, SANDBOX_QUOTA } from '../../functions/adapters/ses-mailer.js';
import { MailerError } from '../../functions/ports.js';

/** The SES adapter's GetSendQuota and error classes, over a stand-in client (no network). */
type Answer = (command: unknown, options?: { abortSignal?: AbortSignal }) => Promise<unknown>;
const clientAnswering = (answer: Answer) => ({ send: answer }) as unknown as SESClient;
const named = (name: string, message = name) => Object.assign(new Error(message), { name });

describe('SES mailer: quota', () => {
  it('reads MaxSendRate and the 24-hour figures from GetSendQuota (-1 means no daily limit)', async () => {
    const mailer = createSesMailer(
      clientAnswering(async (command) => {
        expect(command).toBeInstanceOf(GetSendQuotaCommand);
        return { MaxSendRate: 14, Max24HourSend: -1, SentLast24Hours: 12 };
      }),
    );
    expect(await mailer.quota?.()).toEqual({ maxSendRate: 14, max24HourSend: Infinity, sentLast24Hours: 12 });
  });

  it('falls back to the configured quota, with a log line, when GetSendQuota never answers', async () => {
    const logs: Array<[string, Record<string, unknown>]> = [];
    const hanging: Answer = (_command, options) =>
      new Promise((_resolve, reject) => options?.abortSignal?.addEventListener('abort', () => reject(named('AbortError', 'Request aborted'))));
    const fallbackQuota = { maxSendRate: 3, max24HourSend: 500, sentLast24Hours: 0 };
    const mailer = createSesMailer(clientAnswering(hanging), { fallbackQuota, quotaTimeoutMs: 20, log: (event, fields) => logs.push([event, fields]) });
    expect(await mailer.quota?.()).toEqual(fallbackQuota);
    expect(logs).toEqual([['ses.quota-fallback', { reason: 'AbortError: Request aborted', maxSendRate: 3, source: 'configured' }]]);
  });

  it('keeps the last quota it read when a later read fails, and defaults to the sandbox rate', async () => {
    let calls = 0;
    const flaky: Answer = async () => {
      if (++calls === 2) throw named('ServiceUnavailable');
      return { MaxSendRate: 40, Max24HourSend: 100_000, SentLast24Hours: 0 };
    };
    const mailer = createSesMailer(clientAnswering(flaky), { log: () => undefined });
    await mailer.quota?.();
    expect((await mailer.quota?.())?.maxSendRate).toBe(40);
    const never = createSesMailer(clientAnswering(() => Promise.reject(named('UnknownOperationException'))), { log: () => undefined });
    expect(await never.quota?.()).toEqual(SANDBOX_QUOTA);
  });
});

describe('SES mailer: send errors', () => {
  const failingWith = (error: Error) =>
    createSesMailer(
      clientAnswering(async (command) => {
        expect(command).toBeInstanceOf(SendRawEmailCommand);
        throw error;
      }),
    );
  const send = (error: Error) => failingWith(error).send({ from: 'a@b.test', to: 'c@d.test', raw: 'x' });

  it.each([
    ['Throttling', 'Maximum sending rate exceeded.', 'throttled'],
    ['Throttling', 'Daily message quota exceeded.', 'throttled'],
    ['MessageRejected', 'Address blacklisted.', 'rejected'],
    ['MessageRejected', 'Illegal address', 'rejected'],
    // Not the reader's fault: our sender (or the sandbox), the message, our account. Nobody is suppressed for these.
    ['MessageRejected', 'Email address is not verified. The following identities failed the check in region US-EAST-1: course@letgo.test', 'unsendable'],
    ['MessageRejected', 'Message length is more than 10485760 bytes long', 'unsendable'],
    ['InvalidParameterValue', 'Illegal header: Subject', 'unsendable'],
    ['InvalidParameterValue', "Missing final '@domain'", 'unsendable'],
    ['AccountSendingPausedException', 'Sending paused for this account.', 'unsendable'],
    ['MailFromDomainNotVerifiedException', 'MAIL FROM domain not verified', 'unsendable'],
    ['InternalFailure', 'Internal error', 'transient'],
    ['TimeoutError', 'socket hang up', 'transient'],
  ])('%s (%s) is %s', async (name, message, kind) => {
    const error = await send(named(name, message)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MailerError);
    expect(error).toMatchObject({ kind });
  });
});
