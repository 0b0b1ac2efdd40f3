import { nextLessonDue } from '../core/schedule.js';
import type { Subscriber } from '../core/subscriber.js';
import { AppError } from '../errors.js';
import type { ServiceDeps } from './deps.js';
import { readLink, retryOnConflict } from './links.js';

export async function loadPreferences(deps: ServiceDeps, token: unknown): Promise<Subscriber> {
  const claims = readLink(deps, token, 'preferences');
  const sub = await deps.store.get(claims.email);
  if (!sub) throw new AppError('gone', 'We no longer hold any data for this address.');
  return sub;
}

/**
 * A new send hour or time zone applies from the next lesson: it is
 * rescheduled from the last actual send, so the 8-hour gap still holds.
 */
export async function updateSchedule(
  deps: ServiceDeps,
  token: unknown,
  change: { timezone: string; sendHour: number },
): Promise<Subscriber> {
  const claims = readLink(deps, token, 'preferences');
  return retryOnConflict(async () => {
    const sub = await deps.store.get(claims.email);
    if (!sub) throw new AppError('gone', 'We no longer hold any data for this address.');
    const updated: Subscriber = { ...sub, timezone: change.timezone, sendHour: change.sendHour };
    const last = sub.sends.at(-1);
    if (sub.status === 'active' && sub.due !== undefined && last && !sub.claim) {
      updated.due = nextLessonDue(new Date(last.at), change.timezone, change.sendHour).getTime();
    }
    return deps.store.put(updated, sub.version);
  });
}
