import { formatInZone } from '../core/schedule.js';
import { normalizeEmail, type Subscriber } from '../core/subscriber.js';
import { maskEmail, type ServiceDeps } from './deps.js';
import { suppressionHash } from './notices.js';

/**
 * The author's answer to "I never got day 5": one address, matched exactly
 * (never a search, never a list), with its status, its schedule in the
 * reader's own zone, every send with SES's MessageId, restarts and pauses.
 * Every lookup is logged, with the address masked.
 */
export type TimeInZone = { utc: string; local: string };
export type ReaderView =
  | { found: 'record'; sub: Subscriber; next?: { day: number; at: TimeInZone }; sends: Array<{ day: number; at: TimeInZone; messageId: string }>;
      restarts: Array<{ at: TimeInZone; fromDay: number }>; pauses: Array<{ at: TimeInZone; day: number; until: TimeInZone }> }
  | { found: 'reduced'; status: string; at: string; reason: string }
  | { found: 'none' };

/** A time in the reader's zone; in UTC, said so, for a zone this runtime no longer knows (the lookup is where the author finds them). */
export function inZone(iso: string | number, timezone: string): TimeInZone {
  const date = new Date(iso);
  const { text, known } = formatInZone(date, timezone, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  return { utc: date.toISOString(), local: known ? text : `${text} (their zone, ${timezone}, is not known here)` };
}

export async function lookupReader(deps: Pick<ServiceDeps, 'store' | 'config' | 'log'>, typed: string): Promise<ReaderView> {
  const email = normalizeEmail(typed);
  const sub = await deps.store.get(email);
  const kept = sub ? undefined : await deps.store.suppression(suppressionHash(deps, email));
  deps.log?.('admin.lookup', { email: maskEmail(email), found: sub ? 'record' : kept ? 'reduced' : 'none' });
  if (!sub) return kept ? { found: 'reduced', status: kept.status, at: kept.at, reason: kept.reason } : { found: 'none' };
  const zone = (at: string | number) => inZone(at, sub.timezone);
  return {
    found: 'record',
    sub,
    next: sub.nextDay !== undefined && sub.due !== undefined ? { day: sub.nextDay, at: zone(sub.due) } : undefined,
    sends: sub.sends.map((send) => ({ day: send.day, at: zone(send.at), messageId: send.messageId })),
    restarts: (sub.restarts ?? []).map((r) => ({ at: zone(r.at), fromDay: r.fromDay })),
    pauses: (sub.pauses ?? []).map((p) => ({ at: zone(p.at), day: p.day, until: zone(p.until) })),
  };
}
