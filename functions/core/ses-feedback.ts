import * as z from 'zod';
import { normalizeEmail } from './subscriber.js';

/**
 * What an SES bounce or complaint means for us, parsed from the JSON SES puts
 * in an SNS message. Two producers, one shape: configuration-set event
 * publishing (`eventType`, what infra/email.ts wires) and identity feedback
 * notifications (`notificationType`). Unknown fields are ignored.
 */
export type SesFeedback =
  | {
      kind: 'bounce';
      /** Permanent: never deliverable. Transient: mailbox full, too large... Undetermined: SES could not tell. */
      bounceType: 'Permanent' | 'Transient' | 'Undetermined';
      subType: string;
      recipients: string[];
      feedbackId: string;
      /** The SES MessageId of the mail that bounced (the one recorded with each send). */
      messageId: string;
      at: string;
    }
  | { kind: 'complaint'; feedbackType?: string; recipients: string[]; feedbackId: string; messageId: string; at: string }
  /** Delivery, Send, Open, ...: not ours to act on. */
  | { kind: 'other'; type: string };

const recipient = z.object({ emailAddress: z.string().min(3) });
const mail = z.object({ messageId: z.string().min(1), timestamp: z.string().optional() });
const bounce = z.object({
  bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
  bounceSubType: z.string().default('General'),
  bouncedRecipients: z.array(recipient).min(1),
  feedbackId: z.string().min(1),
  timestamp: z.string().min(1),
});
const complaint = z.object({
  complainedRecipients: z.array(recipient).min(1),
  feedbackId: z.string().min(1),
  timestamp: z.string().min(1),
  complaintFeedbackType: z.string().nullish(),
});
const notification = z.object({
  eventType: z.string().optional(),
  notificationType: z.string().optional(),
  mail,
  bounce: bounce.optional(),
  complaint: complaint.optional(),
});

/** Returns undefined for JSON that is not an SES notification at all, or a bounce/complaint missing its details. */
export function parseSesFeedback(message: string): SesFeedback | undefined {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return undefined;
  }
  const parsed = notification.safeParse(json);
  if (!parsed.success) return undefined;
  const { eventType, notificationType, mail: sent, bounce: bounced, complaint: complained } = parsed.data;
  const type = eventType ?? notificationType;
  if (!type) return undefined;
  if (type === 'Bounce') {
    if (!bounced) return undefined;
    return {
      kind: 'bounce',
      bounceType: bounced.bounceType,
      subType: bounced.bounceSubType,
      recipients: addresses(bounced.bouncedRecipients),
      feedbackId: bounced.feedbackId,
      messageId: sent.messageId,
      at: bounced.timestamp,
    };
  }
  if (type === 'Complaint') {
    if (!complained) return undefined;
    return {
      kind: 'complaint',
      feedbackType: complained.complaintFeedbackType ?? undefined,
      recipients: addresses(complained.complainedRecipients),
      feedbackId: complained.feedbackId,
      messageId: sent.messageId,
      at: complained.timestamp,
    };
  }
  return { kind: 'other', type };
}

/** `Name <a@b>` or `a@b`, normalized like the table key; one entry per address. */
function addresses(list: Array<{ emailAddress: string }>): string[] {
  const emails = list.map(({ emailAddress }) => normalizeEmail(emailAddress.match(/<([^<>]+)>\s*$/)?.[1] ?? emailAddress));
  return [...new Set(emails)];
}
