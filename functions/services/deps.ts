import type { AppConfig } from '../config.js';
import { signRecordLink } from '../core/link-tokens.js';
import type { CompiledCourse } from '../core/message.js';
import type { Subscriber } from '../core/subscriber.js';
import type { Clock, CounterStore, Mailer, NoticeQueue, RateLimiter, SubscriberStore, VoteStore } from '../ports.js';

/** What every service receives from its composition root. */
export type ServiceDeps = {
  store: SubscriberStore;
  mailer: Mailer;
  clock: Clock;
  course: CompiledCourse;
  config: Pick<AppConfig, 'baseUrl' | 'mailFrom' | 'replyTo' | 'authorName' | 'safetyResourcesUrl' | 'unsubscribeMailto' | 'keys' | 'hashKey' | 'author'>;
  log?: (event: string, fields: Record<string, unknown>) => void;
  /** Abuse limits that hold across instances (DynamoDB; in memory for unit tests). */
  limiter: RateLimiter;
  /** Where the form's notices go (services/notices.ts sends them); absent where nothing enqueues. */
  notices?: NoticeQueue;
  /** The course counters (services/counting.ts); absent, nothing is counted. */
  counters?: CounterStore;
  /** "Was today's step helpful?" votes and comments (services/helpful.ts). */
  votes?: VoteStore;
};

/** Limits on what the public form can make us send (issue: signup bombing). */
export const LIMITS = {
  perAddressShort: { limit: 1, windowMs: 10 * 60_000 },
  perAddressDay: { limit: 3, windowMs: 24 * 3_600_000 },
  /** One network: an IPv4 address, or an IPv6 /64 (what one subscriber line is given). */
  perClientHour: { limit: 20, windowMs: 3_600_000 },
  /** A wider network: an IPv4 /24 or an IPv6 /48, shared by many people (a campus, a carrier's NAT). */
  perNetworkHour: { limit: 100, windowMs: 3_600_000 },
  /** Download and delete links one address can ask for. */
  dataLinksHour: { limit: 3, windowMs: 3_600_000 },
} as const;

/**
 * A window a person must act within (fill the form, open an emailed link), in
 * real time: on the local stack's fast clock (Clock.speed) a 30-minute link
 * still lasts 30 real minutes.
 */
export function humanWindowMs(clock: Clock, ms: number): number {
  return ms * Math.max(1, clock.speed ?? 1);
}

/** Links for one reader: compact tokens naming the record, never the address (services/links.ts). */
export function readerLinks(deps: Pick<ServiceDeps, 'config'>, sub: Pick<Subscriber, 'linkId' | 'linkSecret' | 'optinId'>, withConfirm = false) {
  const { keys, baseUrl } = deps.config;
  if (!sub.linkId || !sub.linkSecret) throw new Error('this record has no link id yet (services/notices.ts assigns one)');
  const link = (path: string, token: string) => `${baseUrl}${path}?t=${token}`;
  return {
    unsubscribeUrl: link('/unsubscribe', signRecordLink(keys, 'unsubscribe', { linkId: sub.linkId })),
    preferencesUrl: link('/preferences', signRecordLink(keys, 'preferences', { linkId: sub.linkId, secret: sub.linkSecret })),
    confirmUrl: withConfirm ? link('/confirm', signRecordLink(keys, 'confirm', { linkId: sub.linkId, secret: sub.optinId })) : undefined,
  };
}

/** Logs never hold a full address: keep the first letter and the domain. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}
