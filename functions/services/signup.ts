import { randomUUID } from 'node:crypto';
import { keyedHash, networkKeys } from '../core/abuse-keys.js';
import { openLink as openSigned, randomLinkValue, signLink } from '../core/link-tokens.js';
import type { Consent } from '../core/subscriber.js';
import type { NoticeJob } from '../ports.js';
import { AppError } from '../errors.js';
import { humanWindowMs, LIMITS, type ServiceDeps } from './deps.js';

export type SignupInput = {
  email: string; // already validated and normalized
  firstName?: string;
  timezone: string;
  sendHour: number;
  consent: Consent;
};

/**
 * The form's one service, and the same work for every valid address whatever
 * its state (DESIGN.md, "Notices leave through an outbox"): enqueue the
 * sign-up and return. No read of the address's record, no wait on SES: the
 * notice worker (services/notices.ts) decides what is sent.
 */
export async function acceptSignup(deps: ServiceDeps, input: SignupInput): Promise<void> {
  await enqueue(deps, { kind: 'signup', ...input });
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** "Send me a fresh confirmation" from an expired link, and the data links: queued the same way. */
export async function enqueue(deps: ServiceDeps, job: DistributiveOmit<NoticeJob, 'id' | 'at'>): Promise<void> {
  if (!deps.notices) throw new Error('this entry point has no notice queue');
  await deps.notices.enqueue({ id: randomUUID(), at: deps.clock.now().toISOString(), ...job });
}

/**
 * Per network, before anything else: the client's own network (an IPv4
 * address or IPv6 /64) and the wider one around it (IPv4 /24, IPv6 /48), each
 * a bounded number of requests an hour, then 429 with Retry-After.
 */
export async function checkClientRate(deps: ServiceDeps, clientIp: string): Promise<void> {
  const { narrow, wide } = networkKeys(clientIp);
  const now = deps.clock.now();
  const tiers = [
    { key: `net:${keyedHash(deps.config.hashKey, narrow)}`, ...LIMITS.perClientHour },
    { key: `wide:${keyedHash(deps.config.hashKey, wide)}`, ...LIMITS.perNetworkHour },
  ];
  for (const { key, limit, windowMs } of tiers) {
    const result = await deps.limiter.hit(key, limit, windowMs, now);
    if (!result.allowed) {
      throw new AppError('rate-limited', 'Too many requests from your network. Please try again later.', undefined, {
        retryAfterSeconds: result.retryAfterSeconds,
      });
    }
  }
}

/** A person needs a few seconds to type an address; a script posting the form at once does not. */
export const MIN_SUBMIT_MS = 2_000;
export const FORM_TOKEN_MS = 60 * 60_000;

/** The sign-up form's token: when it was served, and a nonce that lets it be used once. */
export function formToken(deps: ServiceDeps): string {
  const issued = Buffer.alloc(6);
  issued.writeUIntBE(deps.clock.now().getTime(), 0, 6);
  return signLink(deps.config.keys, 'form', Buffer.concat([issued, Buffer.from(randomLinkValue(), 'base64url')]));
}

export type FormTokenCheck = 'ok' | 'too-fast' | 'expired' | 'invalid';

/** Authentic, old enough to have been typed by a person, within the hour, and never used before. */
export async function checkFormToken(deps: ServiceDeps, token: string): Promise<FormTokenCheck> {
  const opened = openSigned(deps.config.keys, token, 'form');
  if (!opened.ok || opened.payload.length !== 12) return 'invalid';
  const issuedAt = opened.payload.readUIntBE(0, 6);
  const now = deps.clock.now().getTime();
  // Both windows are in real time: on the fast local clock a person is still a person.
  if (now - issuedAt < humanWindowMs(deps.clock, MIN_SUBMIT_MS)) return 'too-fast';
  const until = issuedAt + humanWindowMs(deps.clock, FORM_TOKEN_MS);
  if (now >= until) return 'expired';
  const fresh = await deps.limiter.once(`form:${opened.payload.subarray(6).toString('base64url')}`, new Date(until));
  return fresh ? 'ok' : 'expired';
}
