import { randomUUID } from 'node:crypto';
import { canNotify, isExpiredPending, newPending, type Consent, type Subscriber } from '../core/subscriber.js';
import { AppError } from '../errors.js';
import { LIMITS, maskEmail, type ServiceDeps } from './deps.js';
import { sendTemplate } from './notify.js';

export type SignupInput = {
  email: string; // already validated and normalized
  firstName?: string;
  timezone: string;
  sendHour: number;
  consent: Consent;
};

/**
 * The form's one service. Whatever the address's state, the caller shows the
 * same neutral answer; only what is stored and sent differs (DESIGN.md,
 * signup rules). Returns what happened, for logs and tests, never for the page.
 */
export async function signup(deps: ServiceDeps, input: SignupInput): Promise<SignupOutcome> {
  const now = deps.clock.now();
  const existing = await deps.store.get(input.email);
  if (existing?.status === 'suppressed') return 'suppressed';
  if (existing && !canNotify(existing, now)) return 'rate-limited';
  // Whatever the state, the form makes us send at most one email per 10 minutes and 3 a day per address.
  if (!(await withinLimits(deps, input.email, now))) return 'rate-limited';
  if (!existing || existing.status === 'unsubscribed' || isExpiredPending(existing, now)) {
    // A returning reader starts a new double opt-in; their send history stays on record.
    const pending = { ...newPending(input, randomUUID(), now, 0), sends: existing?.sends ?? [], restarts: existing?.restarts };
    const stored = await deps.store.put(pending, existing ? existing.version : null);
    // Lost a race with a concurrent signup of the same address: that one mails.
    if (!stored) return 'raced';
    await notify(deps, stored, 'confirmation', now);
    return 'confirmation-sent';
  }
  const noted = await deps.store.put({ ...existing, lastNoticeAt: now.toISOString() }, existing.version);
  if (!noted) return 'raced';
  const template =
    noted.status === 'pending' ? 'confirmation' : noted.status === 'completed' ? 'complete' : 'alreadyEnrolled';
  await notify(deps, noted, template, now);
  return template === 'confirmation' ? 'confirmation-resent' : `${template}-sent`;
}

async function withinLimits(deps: ServiceDeps, email: string, now: Date): Promise<boolean> {
  if (!deps.limiter) return true;
  const short = await deps.limiter.hit(`addr10:${email}`, LIMITS.perAddressShort.limit, LIMITS.perAddressShort.windowMs, now);
  if (!short.allowed) return false;
  const day = await deps.limiter.hit(`addrday:${email}`, LIMITS.perAddressDay.limit, LIMITS.perAddressDay.windowMs, now);
  return day.allowed;
}

/** Per client address: a bounded number of sign-up attempts an hour, then 429 with Retry-After. */
export async function checkClientRate(deps: ServiceDeps, clientIp: string): Promise<void> {
  if (!deps.limiter) return;
  const { limit, windowMs } = LIMITS.perClientHour;
  const result = await deps.limiter.hit(`ip:${clientIp}`, limit, windowMs, deps.clock.now());
  if (!result.allowed) {
    throw new AppError('rate-limited', 'Too many sign-ups from your network. Please try again later.', undefined, {
      retryAfterSeconds: result.retryAfterSeconds,
    });
  }
}

export type SignupOutcome =
  | 'confirmation-sent'
  | 'confirmation-resent'
  | 'alreadyEnrolled-sent'
  | 'complete-sent'
  | 'rate-limited'
  | 'suppressed'
  | 'raced';

async function notify(
  deps: ServiceDeps,
  sub: Subscriber,
  template: 'confirmation' | 'alreadyEnrolled' | 'complete',
  now: Date,
): Promise<void> {
  const optinId = template === 'confirmation' ? sub.optinId : undefined;
  try {
    await sendTemplate(deps, { ...sub, optinId }, deps.course[template], now);
  } catch (error) {
    // Give the rate-limit slot back so the reader can simply try again.
    const { lastNoticeAt: _sent, ...rest } = sub;
    await deps.store.put(rest, sub.version).catch(() => undefined);
    deps.log?.('signup.send-failed', { email: maskEmail(sub.email), template, error: String(error) });
    throw error;
  }
}
