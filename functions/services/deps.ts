import type { AppConfig } from '../config.js';
import type { CompiledCourse } from '../core/message.js';
import { createToken } from '../core/tokens.js';
import type { Clock, Mailer, RateLimiter, SubscriberStore } from '../ports.js';

/** What every service receives from its composition root. */
export type ServiceDeps = {
  store: SubscriberStore;
  mailer: Mailer;
  clock: Clock;
  course: CompiledCourse;
  config: Pick<AppConfig, 'baseUrl' | 'mailFrom' | 'replyTo' | 'authorName' | 'safetyResourcesUrl' | 'unsubscribeMailto' | 'keys'>;
  log?: (event: string, fields: Record<string, unknown>) => void;
  /** Abuse limits that hold across instances; every entry point supplies one, unit tests may not. */
  limiter?: RateLimiter;
};

/** Limits on what the public form can make us send (issue: signup bombing). */
export const LIMITS = {
  perAddressShort: { limit: 1, windowMs: 10 * 60_000 },
  perAddressDay: { limit: 3, windowMs: 24 * 3_600_000 },
  perClientHour: { limit: 20, windowMs: 3_600_000 },
} as const;

export const CONFIRM_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Links for one reader; the address only ever travels inside an encrypted token. */
export function readerLinks(deps: ServiceDeps, email: string, now: Date, optinId?: string) {
  const { keys, baseUrl } = deps.config;
  const link = (path: string, token: string) => `${baseUrl}${path}?t=${token}`;
  return {
    unsubscribeUrl: link('/unsubscribe', createToken(keys, { purpose: 'unsubscribe', email })),
    preferencesUrl: link('/preferences', createToken(keys, { purpose: 'preferences', email })),
    confirmUrl: optinId
      ? link('/confirm', createToken(keys, { purpose: 'confirm', email, nonce: optinId, expiresAt: now.getTime() + CONFIRM_TTL_MS }))
      : undefined,
  };
}

/** Logs never hold a full address: keep the first letter and the domain. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}
