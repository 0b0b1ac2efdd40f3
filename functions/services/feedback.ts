import type { SnsGateway } from '../adapters/sns-verifier.js';
import { parseSesFeedback, type SesFeedback } from '../core/ses-feedback.js';
import { parseSnsMessage } from '../core/sns-message.js';
import { recordTransientBounce, suppressForFeedback, type Subscriber } from '../core/subscriber.js';
import type { HealthStore } from '../ports.js';
import { recordFeedback } from './breaker.js';
import { counterSink, countWrite } from './counting.js';
import { maskEmail, type ServiceDeps } from './deps.js';
import { retryOnConflict } from './links.js';

export type FeedbackDeps = Pick<ServiceDeps, 'store' | 'clock' | 'log' | 'counters'> & {
  sns: SnsGateway;
  /** The topic(s) our SES configuration set publishes to; a validly signed message from any other topic is refused. */
  topicArns: readonly string[];
  /**
   * Counts for the drip's circuit breaker; only first-time changes count, so
   * redelivery adds nothing. Feedback on a lesson (its MessageId is in the
   * reader's sends) is counted apart from feedback on anything else.
   */
  health?: HealthStore;
};

export type RecipientOutcome = 'suppressed' | 'soft-bounce' | 'unchanged' | 'unknown';

export type FeedbackOutcome =
  | { status: 'rejected'; reason: 'malformed' | 'foreign-topic' | 'bad-signature' }
  | { status: 'subscription-confirmed' }
  | { status: 'ignored'; reason: string }
  | { status: 'applied'; kind: 'bounce' | 'complaint'; recipients: Array<{ email: string; outcome: RecipientOutcome }> };

/**
 * One SNS message carrying SES feedback, from whichever transport delivered it.
 * Checks come before any effect: shape, then our topic, then the signature.
 * Then a permanent bounce or any complaint suppresses each recipient, and a
 * transient bounce is recorded (the third suppresses). Idempotent: the same
 * notification twice leaves the same records (suppression is a fixed point,
 * transient bounces are keyed by the bounced message), so SNS's at-least-once
 * delivery and Lambda's retries are harmless.
 * Refusals are outcomes, not errors: a forgery must not be retried. Store and
 * network failures throw, so the transport retries.
 */
export async function handleFeedback(deps: FeedbackDeps, input: unknown): Promise<FeedbackOutcome> {
  const message = parseSnsMessage(input);
  if (!message) return refuse(deps, 'malformed');
  if (!deps.topicArns.includes(message.topicArn)) return refuse(deps, 'foreign-topic', message.topicArn);
  if (!(await deps.sns.verify(message))) return refuse(deps, 'bad-signature', message.topicArn);

  if (message.type === 'SubscriptionConfirmation') {
    await deps.sns.confirmSubscription(message);
    deps.log?.('feedback.subscription-confirmed', { topicArn: message.topicArn });
    return { status: 'subscription-confirmed' };
  }
  if (message.type === 'UnsubscribeConfirmation') return ignore(deps, 'unsubscribe-confirmation');

  const feedback = parseSesFeedback(message.message);
  if (!feedback) return ignore(deps, 'not an SES notification');
  if (feedback.kind === 'other') return ignore(deps, feedback.type);

  const change = transition(feedback);
  const recipients = [];
  const counted = { lesson: 0, other: 0 };
  for (const email of feedback.recipients) {
    const { outcome, lesson } = await apply(deps, email, change, feedback.messageId);
    recipients.push({ email: maskEmail(email), outcome });
    if (outcome === 'suppressed' || outcome === 'soft-bounce') counted[lesson ? 'lesson' : 'other']++;
  }
  // SES's bounce rate counts hard bounces: a transient one (mailbox full) says nothing about the list.
  const hard = feedback.kind === 'complaint' || feedback.bounceType === 'Permanent';
  if (deps.health && counted.lesson + counted.other > 0 && hard) {
    const counts =
      feedback.kind === 'bounce'
        ? { lessonBounces: counted.lesson, otherBounces: counted.other }
        : { lessonComplaints: counted.lesson, otherComplaints: counted.other };
    await recordFeedback({ health: deps.health, clock: deps.clock }, counts);
  }
  deps.log?.('feedback.applied', {
    kind: feedback.kind,
    type: feedback.kind === 'bounce' ? `${feedback.bounceType}/${feedback.subType}` : feedback.feedbackType,
    feedbackId: feedback.feedbackId,
    onLesson: counted.lesson > 0,
    recipients,
  });
  return { status: 'applied', kind: feedback.kind, recipients };
}

/** `day`: the lesson the bounced or complained message was, if it was one (where the funnel shows the reader left). */
type Transition = (sub: Subscriber, now: Date, day?: number) => Subscriber;

function transition(feedback: Exclude<SesFeedback, { kind: 'other' }>): Transition {
  if (feedback.kind === 'complaint') {
    // Any complaint, whatever its feedback type: mailing someone who complained again is never right.
    return (sub, now, day) => suppressForFeedback(sub, now, `complaint: ${feedback.feedbackType ?? 'unspecified'}`, 'complaint', day);
  }
  if (feedback.bounceType === 'Permanent') {
    return (sub, now, day) => suppressForFeedback(sub, now, `bounce: Permanent/${feedback.subType}`, 'bounce', day);
  }
  // Transient and Undetermined: the address may work tomorrow; only repetition condemns it.
  return (sub, now, day) => recordTransientBounce(sub, { messageId: feedback.messageId, at: feedback.at }, now, day);
}

/**
 * Reads, decides, writes conditionally; a concurrent writer (the drip, a
 * click) means read again. Also says whether the message was one of the
 * reader's lessons, from the record as it was read.
 */
async function apply(deps: FeedbackDeps, email: string, change: Transition, messageId: string): Promise<{ outcome: RecipientOutcome; lesson: boolean }> {
  return retryOnConflict(async () => {
    const sub = await deps.store.get(email);
    // Gone (an expired sign-up) or never ours: SES's account suppression list still covers it.
    if (!sub) return { outcome: 'unknown', lesson: false };
    const day = sub.sends.find((send) => send.messageId === messageId)?.day;
    const lesson = day !== undefined;
    const next = change(sub, deps.clock.now(), day);
    if (next === sub) return { outcome: 'unchanged', lesson };
    const stored = await deps.store.put(next, sub.version);
    if (!stored) return undefined;
    await countWrite(counterSink(deps), sub, stored);
    return { outcome: stored.status === 'suppressed' ? 'suppressed' : 'soft-bounce', lesson };
  });
}

function refuse(deps: FeedbackDeps, reason: 'malformed' | 'foreign-topic' | 'bad-signature', topicArn?: string): FeedbackOutcome {
  deps.log?.('feedback.rejected', { reason, topicArn });
  return { status: 'rejected', reason };
}

function ignore(deps: FeedbackDeps, reason: string): FeedbackOutcome {
  deps.log?.('feedback.ignored', { reason });
  return { status: 'ignored', reason };
}
