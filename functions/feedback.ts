import * as z from 'zod';
import { parseEnv } from './config.js';
import { lazyDynamoClient } from './adapters/aws-sdk.js';
import { createDynamoCounterStore } from './adapters/counter-stores.js';
import { createDynamoHealthStore } from './adapters/health-stores.js';
import { createDynamoStore } from './adapters/dynamo-store.js';
import { createSnsVerifier, fetchText } from './adapters/sns-verifier.js';
import { isTopicArn } from './core/sns-message.js';
import { handleFeedback, type FeedbackDeps, type FeedbackOutcome } from './services/feedback.js';

/**
 * Lambda entry for SES bounces and complaints. infra/functions.ts subscribes it
 * to the feedback topic (SNS -> Lambda: no public endpoint, and SNS itself is
 * the only caller IAM lets in), so the event is `{ Records: [{ Sns }] }`.
 * The same handler also takes an SNS HTTP(S) delivery on a Function URL (the
 * message as the body), where SubscriptionConfirmation arrives; either way
 * the signature and topic are checked.
 * It builds its own small composition root: it needs only the table, not
 * the course, the mailer or the token keys that functions/runtime.ts loads.
 */
const config = parseEnv(
  z.object({
    TABLE_NAME: z.string().min(1),
    // Comma-separated: the topic(s) our SES configuration set publishes to.
    FEEDBACK_TOPIC_ARN: z
      .string()
      .transform((list) => list.split(',').map((arn) => arn.trim()).filter(Boolean))
      .pipe(z.array(z.string().refine(isTopicArn, 'an SNS topic ARN')).min(1)),
  }),
  process.env,
);

const dynamo = lazyDynamoClient();
const deps: FeedbackDeps = {
  store: createDynamoStore(dynamo, config.TABLE_NAME),
  health: createDynamoHealthStore(dynamo, config.TABLE_NAME),
  // Where readers left: a bounce or complaint moves the course counters (services/counting.ts).
  counters: createDynamoCounterStore(dynamo, config.TABLE_NAME),
  clock: { now: () => new Date() },
  log: (event, fields) => console.log(JSON.stringify({ event, ...fields })),
  sns: createSnsVerifier(fetchText),
  topicArns: config.FEEDBACK_TOPIC_ARN,
};

type SnsRecordsEvent = { Records: Array<{ Sns?: unknown }> };
type HttpEvent = { body?: string | null; isBase64Encoded?: boolean };
type HttpResult = { statusCode: number; headers: Record<string, string>; body: string };

export async function handler(event: SnsRecordsEvent | HttpEvent): Promise<{ outcomes: FeedbackOutcome[] } | HttpResult> {
  if ('Records' in event && Array.isArray(event.Records)) {
    // One at a time: a throw (store unavailable) fails the batch and SNS/Lambda retry it;
    // records already applied are then no-ops (idempotent).
    const outcomes: FeedbackOutcome[] = [];
    for (const record of event.Records) outcomes.push(await handleFeedback(deps, record.Sns));
    return { outcomes };
  }
  const http = event as HttpEvent;
  const body = http.isBase64Encoded ? Buffer.from(http.body ?? '', 'base64').toString('utf8') : (http.body ?? '');
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    message = undefined;
  }
  const outcome = await handleFeedback(deps, message);
  const statusCode = outcome.status !== 'rejected' ? 200 : outcome.reason === 'malformed' ? 400 : 403;
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: outcome.status }) };
}
