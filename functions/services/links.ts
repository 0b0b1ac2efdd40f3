import { openRecordLink, type LinkPurpose } from '../core/link-tokens.js';
import { activate, isExpiredPending, unsubscribe, type Subscriber } from '../core/subscriber.js';
import { verifyToken } from '../core/tokens.js';
import { AppError } from '../errors.js';
import { counterSink, countWrite } from './counting.js';
import type { ServiceDeps } from './deps.js';

/**
 * The services behind emailed links. A link names a record by its `linkId`
 * and carries the secret the record must still hold for that purpose, so the
 * record, not the link, decides: a link dies when the reader deletes their
 * data, signs up again or signs out older links. GET pages only read
 * (`checkLink` needs no I/O at all); the POST behind the page's button acts.
 */
type RecordPurpose = Extract<LinkPurpose, 'confirm' | 'unsubscribe' | 'preferences' | 'data'>;

/** The token is ours and unaltered (no I/O): enough for a GET to show its page. */
export function checkLink(deps: ServiceDeps, token: unknown, purpose: RecordPurpose): void {
  if (openRecordLink(deps.config.keys, token, purpose).ok) return;
  // Links in emails sent before the compact links keep working where they must (RFC 8058 clients).
  if ((purpose === 'unsubscribe' || purpose === 'confirm') && legacyEmail(deps, token, purpose)) return;
  throw new AppError('invalid-link', 'This link is not valid.');
}

/** The record a link leads to, or undefined when we no longer hold it (deleted, or an expired sign-up swept). */
export async function openLink(deps: ServiceDeps, token: unknown, purpose: RecordPurpose): Promise<{ sub?: Subscriber; secret?: string }> {
  const opened = openRecordLink(deps.config.keys, token, purpose);
  if (!opened.ok) {
    const email = purpose === 'unsubscribe' || purpose === 'confirm' ? legacyEmail(deps, token, purpose) : undefined;
    if (!email) throw new AppError('invalid-link', 'This link is not valid.');
    return { sub: await deps.store.get(email), secret: legacyNonce(deps, token) };
  }
  const email = await deps.store.resolveLink(opened.link.linkId);
  const sub = email ? await deps.store.get(email) : undefined;
  // A mapping left by a record since replaced (erased, then signed up again) leads nowhere.
  return { sub: sub?.linkId === opened.link.linkId ? sub : undefined, secret: opened.link.secret };
}

const STALE = 'It came in an older email. To keep your settings private, preferences links stop working when you sign up again, delete your data or sign out older links.';

/** Preferences: only the current subscription's links work. */
export async function openPreferences(deps: ServiceDeps, token: unknown): Promise<Subscriber> {
  const { sub, secret } = await openLink(deps, token, 'preferences');
  if (!sub || !sub.linkSecret || sub.linkSecret !== secret) throw new AppError('stale-link', STALE);
  return sub;
}

export type ConfirmOutcome = 'confirmed' | 'already-confirmed';

/** Why a suppressed reader gets nothing: not "you unsubscribed" (they did not). Their pages say it too. */
export const SUPPRESSED = 'An earlier email could not be delivered to this address, or was reported as unwanted, so we stopped sending.';

/** One answer for a confirm link whose sign-up is gone or was replaced: it tells its holder nothing of the address now. */
const OLD_CONFIRM = 'This sign-up has expired, or a newer email replaced this link.';

/**
 * What a confirm link leads to now, without changing anything (the GET page):
 * the pending record to activate, or that it already was. Expired, replaced
 * and left sign-ups throw the page the reader should see instead. A link from
 * an earlier sign-up (its opt-in no longer the record's) and one whose record
 * is gone get the same answer, whatever the address has done since: a
 * forwarded confirmation email must not report that.
 */
export async function peekConfirm(deps: ServiceDeps, token: unknown): Promise<Subscriber | 'already-confirmed'> {
  const { sub, secret } = await openLink(deps, token, 'confirm');
  if (!sub || sub.optinId !== secret) throw new AppError('stale-link', OLD_CONFIRM);
  if (sub.status === 'unsubscribed') throw new AppError('gone', 'You have unsubscribed from this course.');
  if (sub.status === 'suppressed') throw new AppError('gone', SUPPRESSED);
  if (sub.status !== 'pending') return 'already-confirmed';
  if (isExpiredPending(sub, deps.clock.now())) throw new AppError('expired-link', 'This sign-up has expired.');
  return sub;
}

export async function confirm(deps: ServiceDeps, token: unknown): Promise<ConfirmOutcome> {
  return retryOnConflict(async () => {
    const sub = await peekConfirm(deps, token);
    if (sub === 'already-confirmed') return sub;
    const stored = await deps.store.put(activate(sub, deps.clock.now()), sub.version);
    if (!stored) return undefined;
    await countWrite(counterSink(deps), sub, stored);
    // Confirmed: the link mapping no longer expires with the sign-up.
    if (stored.linkId) await deps.store.link(stored.linkId, stored.email);
    return 'confirmed';
  });
}

/** Idempotent: unsubscribing an address twice, or one we no longer hold, succeeds. Links never expire. */
export async function unsubscribeByToken(deps: ServiceDeps, token: unknown): Promise<void> {
  await retryOnConflict(async () => {
    const { sub } = await openLink(deps, token, 'unsubscribe');
    if (!sub || sub.status === 'unsubscribed' || sub.status === 'suppressed') return true;
    const stored = await deps.store.put(unsubscribe(sub, deps.clock.now()), sub.version);
    if (!stored) return undefined;
    await countWrite(counterSink(deps), sub, stored);
    return true;
  });
}

/** Reads, decides and writes again when a concurrent writer (often the drip) bumped the version. */
export async function retryOnConflict<T>(attempt: () => Promise<T | undefined>, tries = 5): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const result = await attempt();
    if (result !== undefined) return result;
  }
  throw new AppError('conflict', 'The record kept changing; please try again.');
}

/** Version-1 tokens (AES-GCM over the address) from emails sent before compact links. */
function legacyEmail(deps: ServiceDeps, token: unknown, purpose: 'unsubscribe' | 'confirm'): string | undefined {
  const result = verifyToken(deps.config.keys, token, purpose, deps.clock.now());
  return result.ok || result.reason === 'expired' ? result.claims.email : undefined;
}

function legacyNonce(deps: ServiceDeps, token: unknown): string | undefined {
  const result = verifyToken(deps.config.keys, token, 'confirm', deps.clock.now());
  return result.ok || result.reason === 'expired' ? result.claims.nonce : undefined;
}
