import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { getStoreReadonly, type Email } from 'aws-ses-v2-local/dist/store.js';
import * as z from 'zod';

/**
 * The local mailbox on disk: aws-ses-v2-local keeps its emails in memory only, so each
 * email it accepts is appended to a JSON Lines file, and at start the file is loaded back
 * into its store. Its own routes (`GET /store`, the `.eml` download) then see every email of
 * every run. Reaching into its store module is the one hook it offers (it has no options
 * for storage); the integration test of the restart fails if a new version moves it.
 */

/** An email as aws-ses-v2-local keeps it, plus the time its Date header gives: the simulated clock. */
export type MailboxEmail = Email & { sentAt?: string };

// Only what the pages and GET /store rely on is checked; the rest is kept as written.
const lineSchema = z.looseObject({
  messageId: z.string().min(1),
  at: z.number(),
  subject: z.string(),
  destination: z.looseObject({ to: z.array(z.string()) }),
  body: z.looseObject({}),
  sentAt: z.string().optional(),
});

const store = getStoreReadonly();

export function mailboxEmails(): readonly MailboxEmail[] {
  return store.emails;
}

export function findEmail(messageId: string): MailboxEmail | undefined {
  return store.emails.find((email) => email.messageId === messageId);
}

/** Loads the file into the store; returns how many emails it held. A torn last line (a crash mid-write) is skipped. */
export function restoreMailbox(file: string): number {
  if (!existsSync(file)) return 0;
  let count = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = lineSchema.safeParse(JSON.parse(line));
      if (!parsed.success) continue;
      store.emails.push(parsed.data as unknown as MailboxEmail);
      count++;
    } catch {
      // Not JSON: the tail of an append a crash cut short.
    }
  }
  return count;
}

/** Records an email the store just accepted, with the send time its Date header carried. */
export function keepEmail(file: string, email: MailboxEmail, sentAt: Date | undefined): void {
  if (sentAt && !Number.isNaN(sentAt.getTime())) email.sentAt = sentAt.toISOString();
  appendFileSync(file, `${JSON.stringify(email)}\n`);
}

export function clearMailboxFile(file: string): void {
  writeFileSync(file, '');
}

/**
 * The Date header of a raw MIME message, as SES's SendRawEmail receives it (base64). Only
 * the header block is read: the sender is our own mimetext build, one unfolded Date line.
 */
export function dateHeader(rawBase64: string | null): Date | undefined {
  if (!rawBase64) return undefined;
  const raw = Buffer.from(rawBase64, 'base64').toString('utf8');
  const headers = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const value = /^Date:[ \t]*(.+(?:\r?\n[ \t].*)*)/im.exec(headers)?.[1];
  if (!value) return undefined;
  const date = new Date(value.replace(/\r?\n[ \t]+/g, ' '));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The message ids in an SES answer: `<MessageId>` in the v1 XML, `"MessageId"` in the v2 JSON. */
export function messageIdsIn(answer: string): string[] {
  return [...answer.matchAll(/(?:<MessageId>|"MessageId":\s*")([^<"]+)/g)].map((match) => match[1] as string);
}
