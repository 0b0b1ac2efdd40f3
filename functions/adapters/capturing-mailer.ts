import type { Mailer } from '../ports.js';

export type CapturedMessage = { from: string; to: string; raw: string; messageId: string };

/** A Mailer that keeps what it is given: unit tests read it, nothing leaves the process. */
export function createCapturingMailer(): Mailer & { sent: CapturedMessage[] } {
  const sent: CapturedMessage[] = [];
  return {
    sent,
    async send(message) {
      const messageId = `captured-${sent.length + 1}`;
      sent.push({ ...message, messageId });
      return { messageId };
    },
  };
}
