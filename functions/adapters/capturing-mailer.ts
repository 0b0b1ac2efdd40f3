import type { Mailer, SendQuota } from '../ports.js';

export type CapturedMessage = { from: string; to: string; raw: string; messageId: string };

/** A generous quota, so a paced run on the capturing mailer is limited by the test, not by it. */
export const CAPTURING_QUOTA: SendQuota = { maxSendRate: 1_000, max24HourSend: Infinity, sentLast24Hours: 0 };

/** A Mailer that keeps what it is given: unit tests read it, nothing leaves the process. */
export function createCapturingMailer(quota: SendQuota = CAPTURING_QUOTA): Mailer & { sent: CapturedMessage[] } {
  const sent: CapturedMessage[] = [];
  return {
    sent,
    async send(message) {
      const messageId = `captured-${sent.length + 1}`;
      sent.push({ ...message, messageId });
      return { messageId };
    },
    async quota() {
      return quota;
    },
  };
}
