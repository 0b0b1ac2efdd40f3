import { activate, isExpiredPending, unsubscribe } from '../core/subscriber.js';
import { verifyToken, type TokenPurpose } from '../core/tokens.js';
import { AppError } from '../errors.js';
import type { ServiceDeps } from './deps.js';

/**
 * The services behind emailed links. GET pages only call `readLink`
 * (no state change); the POST behind the page's button does the change.
 */
export function readLink(deps: ServiceDeps, token: unknown, purpose: TokenPurpose) {
  const result = verifyToken(deps.config.keys, token, purpose, deps.clock.now());
  if (result.ok) return result.claims;
  if (result.reason === 'expired') throw new AppError('expired-link', 'This link has expired.');
  throw new AppError('invalid-link', 'This link is not valid.');
}

export type ConfirmOutcome = 'confirmed' | 'already-confirmed';

export async function confirm(deps: ServiceDeps, token: unknown): Promise<ConfirmOutcome> {
  const claims = readLink(deps, token, 'confirm');
  return retryOnConflict(async () => {
    const now = deps.clock.now();
    const sub = await deps.store.get(claims.email);
    if (!sub) throw new AppError('expired-link', 'This sign-up has expired.');
    if (sub.status === 'unsubscribed' || sub.status === 'suppressed') {
      throw new AppError('gone', 'You have unsubscribed from this course.');
    }
    if (sub.optinId !== claims.nonce) {
      if (sub.status === 'pending') throw new AppError('invalid-link', 'A newer confirmation email replaced this one.');
      return 'already-confirmed';
    }
    if (sub.status !== 'pending') return 'already-confirmed';
    if (isExpiredPending(sub, now)) throw new AppError('expired-link', 'This sign-up has expired.');
    return (await deps.store.put(activate(sub, now), sub.version)) ? 'confirmed' : undefined;
  });
}

/** Idempotent: unsubscribing an address twice, or one we no longer hold, succeeds. */
export async function unsubscribeByToken(deps: ServiceDeps, token: unknown): Promise<void> {
  const claims = readLink(deps, token, 'unsubscribe');
  await retryOnConflict(async () => {
    const sub = await deps.store.get(claims.email);
    if (!sub || sub.status === 'unsubscribed' || sub.status === 'suppressed') return true;
    return (await deps.store.put(unsubscribe(sub, deps.clock.now()), sub.version)) ? true : undefined;
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


/**
 * "Send me a fresh link" from an expired confirmation page. The expired token
 * is still authentic, so it names the address; the signup rules (neutral
 * answer, one email per 10 minutes) then decide what is sent.
 */
export function readExpiredConfirm(deps: ServiceDeps, token: unknown): string {
  const result = verifyToken(deps.config.keys, token, 'confirm', deps.clock.now());
  if (result.ok || result.reason === 'expired') return result.claims.email;
  throw new AppError('invalid-link', 'This link is not valid.');
}
