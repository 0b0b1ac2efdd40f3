import { SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { MailerError, type Mailer } from '../ports.js';

const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException']);
const REJECTED = new Set(['MessageRejected', 'InvalidParameterValue']);

/** The SES v1 adapter: SendRawEmail, with SDK errors sorted into retry classes. */
export function createSesMailer(client: SESClient): Mailer {
  return {
    async send({ from, to, raw }) {
      try {
        const result = await client.send(
          new SendRawEmailCommand({ Source: from, Destinations: [to], RawMessage: { Data: Buffer.from(raw, 'utf8') } }),
        );
        if (!result.MessageId) throw new MailerError('transient', 'SES returned no MessageId');
        return { messageId: result.MessageId };
      } catch (error) {
        throw classify(error);
      }
    },
  };
}

function classify(error: unknown): MailerError {
  if (error instanceof MailerError) return error;
  const name = error instanceof Error ? error.name : 'Unknown';
  const message = error instanceof Error ? error.message : String(error);
  // "Maximum sending rate exceeded" arrives as a Throttling error from SES v1.
  if (THROTTLED.has(name) || /sending rate exceeded/i.test(message)) {
    return new MailerError('throttled', message, { cause: error });
  }
  if (REJECTED.has(name)) return new MailerError('rejected', message, { cause: error });
  return new MailerError('transient', message, { cause: error });
}
