import { createVerify } from 'node:crypto';
import * as z from 'zod';

/**
 * An Amazon SNS message and its signature, pure: the certificate comes in as
 * an argument (adapters/sns-verifier.ts fetches and caches it).
 * SNS delivers the same message two ways with different spellings: over HTTP
 * (`SigningCertURL`, `SubscribeURL`) and inside a Lambda record
 * (`SigningCertUrl`, `Subject: null`). Both parse to one shape.
 */
export type SnsMessage = {
  type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  timestamp: string;
  signatureVersion: '1' | '2';
  signature: string;
  signingCertUrl: string;
  subscribeUrl?: string;
  token?: string;
};

const text = z.string().min(1);
// Unknown fields (MessageAttributes, UnsubscribeURL, ...) are dropped, not rejected.
const envelope = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: text,
  TopicArn: text,
  Subject: z.string().nullish(),
  Message: z.string(),
  Timestamp: text,
  SignatureVersion: z.enum(['1', '2']),
  Signature: text,
  SigningCertURL: text.optional(),
  SigningCertUrl: text.optional(),
  SubscribeURL: text.optional(),
  Token: text.optional(),
});

export function parseSnsMessage(input: unknown): SnsMessage | undefined {
  const parsed = envelope.safeParse(input);
  if (!parsed.success) return undefined;
  const raw = parsed.data;
  const signingCertUrl = raw.SigningCertURL ?? raw.SigningCertUrl;
  if (!signingCertUrl) return undefined;
  // Confirmations are signed over SubscribeURL and Token: without them they cannot be checked.
  if (raw.Type !== 'Notification' && (!raw.SubscribeURL || !raw.Token)) return undefined;
  return {
    type: raw.Type,
    messageId: raw.MessageId,
    topicArn: raw.TopicArn,
    subject: raw.Subject ?? undefined,
    message: raw.Message,
    timestamp: raw.Timestamp,
    signatureVersion: raw.SignatureVersion,
    signature: raw.Signature,
    signingCertUrl,
    subscribeUrl: raw.SubscribeURL,
    token: raw.Token,
  };
}

/**
 * The canonical string SNS signs: `Name\nvalue\n` for a fixed list of fields
 * in byte order, Subject only when present (AWS SNS docs, "Verifying the
 * signatures of Amazon SNS messages").
 */
export function stringToSign(message: SnsMessage): string {
  const fields: Array<[string, string | undefined]> =
    message.type === 'Notification'
      ? [
          ['Message', message.message],
          ['MessageId', message.messageId],
          ['Subject', message.subject],
          ['Timestamp', message.timestamp],
          ['TopicArn', message.topicArn],
          ['Type', message.type],
        ]
      : [
          ['Message', message.message],
          ['MessageId', message.messageId],
          ['SubscribeURL', message.subscribeUrl],
          ['Timestamp', message.timestamp],
          ['Token', message.token],
          ['TopicArn', message.topicArn],
          ['Type', message.type],
        ];
  return fields
    .filter((field): field is [string, string] => field[1] !== undefined)
    .map(([name, value]) => `${name}\n${value}\n`)
    .join('');
}

/**
 * Version 2 (RSA with SHA256) only. Our topic asks SNS for version 2
 * (infra/email.ts); a version-1 message (SHA1, which no longer resists
 * forgery) is refused without touching the certificate.
 */
export function verifySnsSignature(message: SnsMessage, certificatePem: string): boolean {
  if (message.signatureVersion !== '2') return false;
  try {
    const verifier = createVerify('RSA-SHA256');
    verifier.update(stringToSign(message), 'utf8');
    return verifier.verify(certificatePem, message.signature, 'base64');
  } catch {
    // A certificate that does not parse verifies nothing.
    return false;
  }
}

const TOPIC_ARN = /^arn:(aws|aws-cn|aws-us-gov):sns:([a-z0-9-]+):\d{12}:[\w-]{1,256}$/;

/**
 * The one host that may serve a topic's certificate and confirm its
 * subscriptions: SNS's endpoint in the topic's own region
 * (`sns.<region>.amazonaws.com`, `.amazonaws.com.cn` in China). Not any
 * region, and not the S3 host some old messages named.
 */
export function snsHostFor(topicArn: string): string | undefined {
  const match = TOPIC_ARN.exec(topicArn);
  if (!match) return undefined;
  const [, partition, region] = match;
  return partition === 'aws-cn' ? `sns.${region}.amazonaws.com.cn` : `sns.${region}.amazonaws.com`;
}

function snsUrl(value: string, topicArn: string): URL | undefined {
  const host = snsHostFor(topicArn);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  // Over TLS, on exactly that host: the certificate's authenticity rests on it.
  const pinned = host !== undefined && url.protocol === 'https:' && url.hostname === host && !url.port && !url.username && !url.password;
  return pinned ? url : undefined;
}

/** `https://sns.<region of the topic>.amazonaws.com/<name>.pem` and nothing else. */
export function isSnsCertificateUrl(value: string, topicArn: string): boolean {
  const url = snsUrl(value, topicArn);
  return url !== undefined && /^\/[\w.-]+\.pem$/.test(url.pathname) && !url.search;
}

/** `https://sns.<region of the topic>.amazonaws.com/?Action=ConfirmSubscription&...` and nothing else. */
export function isSnsSubscribeUrl(value: string, topicArn: string): boolean {
  const url = snsUrl(value, topicArn);
  return url !== undefined && url.pathname === '/' && url.searchParams.get('Action') === 'ConfirmSubscription';
}

/** `arn:aws:sns:<region>:<account>:<name>` (or aws-cn, aws-us-gov) and nothing else. */
export function isTopicArn(value: string): boolean {
  return TOPIC_ARN.test(value);
}
