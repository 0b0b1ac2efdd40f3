import { canonicalMailbox, keyedHash } from '../core/abuse-keys.js';
import { LINK_ID_BYTES, randomLinkValue } from '../core/link-tokens.js';
import {
  extendPending,
  isExpiredPending,
  newPending,
  type NoticeTemplate,
  type Subscriber,
} from '../core/subscriber.js';
import { MailerError, type HealthStore, type NoticeJob } from '../ports.js';
import { recordSends } from './breaker.js';
import { humanWindowMs, LIMITS, maskEmail, type ServiceDeps } from './deps.js';
import { counterSink, countReplaced, countSignup, countWrite } from './counting.js';
import { sendSignIn } from './author-signin.js';
import { retryOnConflict } from './links.js';
import { sendNotice } from './notify.js';

/**
 * The worker side of the outbox (DESIGN.md, "Notices leave through an
 * outbox"). The form only validated and enqueued; here the address's state
 * decides what, if anything, is sent, so neither the form's answer nor its
 * timing says who is subscribed. Exactly once per job: the decision is written
 * into the record with the job's id before SES is called, and the send is
 * marked after; a retried job finds its decision and sends only if that mark
 * is missing. (As with lessons, SES has no idempotency key: a crash between
 * SES accepting and the mark is the one gap that can repeat an email.)
 */
export type NoticeDeps = ServiceDeps & { health?: HealthStore };
export type NoticeOutcome =
  | 'sent'
  | 'already-sent'
  | 'rate-limited'
  | 'suppressed'
  | 'nothing-to-send'
  | 'rejected';

export const DATA_LINK_MS = 30 * 60_000;

export async function processNotice(deps: NoticeDeps, job: NoticeJob): Promise<NoticeOutcome> {
  // The author's sign-in link holds no reader's record: its own rules (services/author.ts).
  if (job.kind === 'signin') return sendSignIn(deps, job);
  const existing = await deps.store.get(job.email);
  if (existing?.notice?.id === job.id) return existing.notice.sentAt ? 'already-sent' : deliverNotice(deps, existing, job);
  const now = deps.clock.now();
  if (!(await withinLimits(deps, job))) return 'rate-limited';
  const decided = await retryOnConflict(async () => {
    const sub = await deps.store.get(job.email);
    const decision = await decide(deps, job, sub, now);
    if (typeof decision === 'string') return decision;
    const next = decision.record;
    // The mapping first: a link in the email must never lead nowhere (an orphan mapping is harmless).
    if (next.linkId && (next.linkId !== sub?.linkId || next.status === 'pending')) {
      await deps.store.link(next.linkId, next.email, next.status === 'pending' ? next.expiresAt : undefined);
    }
    const stored = await deps.store.put(next, sub ? sub.version : null);
    if (!stored) return undefined;
    await countDecision(deps, sub, stored, decision.optIn, job.kind === 'signup');
    return stored;
  });
  if (typeof decided === 'string') {
    deps.log?.('notice.skipped', { kind: job.kind, outcome: decided, email: maskEmail(job.email) });
    return decided;
  }
  return deliverNotice(deps, decided, job);
}

/**
 * A new double opt-in replaces the address's older record (its history is
 * kept in the counters); a sign-up from the form counts as one.
 */
async function countDecision(deps: NoticeDeps, sub: Subscriber | undefined, stored: Subscriber, optIn: boolean, fromForm: boolean): Promise<void> {
  const sink = counterSink(deps);
  if (!optIn) return countWrite(sink, sub, stored);
  if (sub) return countReplaced(sink, sub, stored, fromForm);
  if (fromForm) await countSignup(sink, stored);
}

/** The record as it must be once this job's notice is decided (`optIn`: a new double opt-in), or why nothing goes out. */
async function decide(deps: NoticeDeps, job: NoticeJob, sub: Subscriber | undefined, now: Date) {
  if (sub?.status === 'suppressed' || (await deps.store.suppression(suppressionHash(deps, job.email)))?.status === 'suppressed') {
    return 'suppressed' as const;
  }
  const mark = (record: Subscriber, template: NoticeTemplate, optIn = false) => ({
    optIn,
    record: { ...record, lastNoticeAt: now.toISOString(), notice: { id: job.id, template } } as Subscriber,
  });
  if (job.kind === 'data-link') {
    if (!sub || sub.status === 'pending') return 'nothing-to-send' as const;
    const dataLink = { nonce: randomLinkValue(), action: job.action, until: now.getTime() + humanWindowMs(deps.clock, DATA_LINK_MS) };
    return mark({ ...sub, dataLink }, job.action === 'export' ? 'dataExport' : 'dataDelete');
  }
  // "Send me a fresh link" from an expired confirmation only ever re-confirms a pending sign-up.
  if (job.kind === 'resend' && sub?.status !== 'pending') return 'nothing-to-send' as const;
  const input = job.kind === 'signup' ? job : sub && { ...sub, consent: sub.consent };
  if (input && (!sub || sub.status === 'unsubscribed' || isExpiredPending(sub, now))) {
    // A new double opt-in. The link id stays with the address (old unsubscribe links keep
    // working); the secret and the opt-in are new, so older preferences and confirm links die.
    const ids = { linkId: sub?.linkId ?? randomLinkValue(LINK_ID_BYTES), linkSecret: randomLinkValue() };
    const pending = { ...newPending(input, randomLinkValue(), now, 0, ids), sends: sub?.sends ?? [], restarts: sub?.restarts, pauses: sub?.pauses };
    return mark(pending, 'confirmation', true);
  }
  if (!sub) return 'nothing-to-send' as const;
  if (sub.status === 'pending') return mark(withLinkIds(extendPending(sub, now)), 'confirmation');
  return mark(withLinkIds(sub), sub.status === 'completed' ? 'complete' : 'alreadyEnrolled');
}

/** Records from before compact links get their ids the first time they are mailed. */
export function withLinkIds(sub: Subscriber): Subscriber {
  // An opt-in id from the old links (a UUID) does not fit a compact link: a new one replaces it.
  const optinId = sub.status === 'pending' && sub.optinId.length !== 8 ? randomLinkValue() : sub.optinId;
  return { ...sub, optinId, linkId: sub.linkId ?? randomLinkValue(LINK_ID_BYTES), linkSecret: sub.linkSecret ?? randomLinkValue() };
}

/** Per canonical mailbox, whatever its state: one email from the form per 10 minutes and 3 a day. */
async function withinLimits(deps: NoticeDeps, job: NoticeJob): Promise<boolean> {
  // Counted in the window of the request, once per job however often the job is retried.
  for (const { key, limit, windowMs } of addressLimits(deps, job)) {
    if (!(await deps.limiter.hit(key, limit, windowMs, new Date(job.at), job.id)).allowed) return false;
  }
  return true;
}

/** The limiter keys of one address: HMACs of its canonical mailbox, never the address in clear. */
export function addressLimits(deps: Pick<ServiceDeps, 'config'>, job: Pick<NoticeJob, 'email' | 'kind'>) {
  // The author's sign-in links have their own limit, per author (services/author.ts).
  if (job.kind === 'signin') return [];
  const hash = keyedHash(deps.config.hashKey, canonicalMailbox(job.email));
  if (job.kind === 'data-link') return [{ key: `data:${hash}`, ...LIMITS.dataLinksHour }];
  return [
    { key: `addr10:${hash}`, ...LIMITS.perAddressShort },
    { key: `addrday:${hash}`, ...LIMITS.perAddressDay },
  ];
}

export function suppressionHash(deps: Pick<ServiceDeps, 'config'>, email: string): string {
  return keyedHash(deps.config.hashKey, `suppression:${email.trim().toLowerCase()}`);
}

async function deliverNotice(deps: NoticeDeps, sub: Subscriber, job: NoticeJob): Promise<NoticeOutcome> {
  const notice = sub.notice;
  if (!notice) throw new Error('deliverNotice needs a decided notice');
  const now = deps.clock.now();
  let messageId: string;
  try {
    ({ messageId } = await sendNotice(deps, sub, notice.template, now));
  } catch (error) {
    // SES refused the address for good: give the reader's slot back so a corrected retry works.
    if (error instanceof MailerError && error.kind === 'rejected') {
      await abandonNotice(deps, job, String(error.message));
      return 'rejected';
    }
    throw error; // transient: the queue retries this job
  }
  if (deps.health) await recordSends({ health: deps.health, clock: deps.clock }, 1);
  await retryOnConflict(async () => {
    const fresh = await deps.store.get(sub.email);
    if (!fresh || fresh.notice?.id !== job.id) return true; // erased or replaced meanwhile
    return (await deps.store.put({ ...fresh, notice: { ...notice, sentAt: now.toISOString(), messageId } }, fresh.version)) ? true : undefined;
  });
  deps.log?.('notice.sent', { kind: job.kind, template: notice.template, email: maskEmail(sub.email), messageId });
  return 'sent';
}

/** A job that will never be sent (SES refused it, or it failed every retry): free what it held. */
export async function abandonNotice(deps: NoticeDeps, job: NoticeJob, reason: string): Promise<void> {
  const now = deps.clock.now();
  for (const { key, windowMs } of addressLimits(deps, job)) await deps.limiter.release(key, windowMs, new Date(job.at), job.id);
  await retryOnConflict(async () => {
    const sub = await deps.store.get(job.email);
    if (!sub || sub.notice?.id !== job.id || sub.notice.sentAt) return true;
    const { notice: _undecided, lastNoticeAt: _slot, ...rest } = sub;
    return (await deps.store.put(rest, sub.version)) ? true : undefined;
  });
  deps.log?.('notice.abandoned', { level: 'ERROR', kind: job.kind, email: maskEmail(job.email), reason, at: now.toISOString() });
}
