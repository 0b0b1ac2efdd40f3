import { randomLinkValue } from '../core/link-tokens.js';
import { canPause, canRestart, changeSchedule, pause, restart, resume } from '../core/preferences.js';
import type { Subscriber } from '../core/subscriber.js';
import { AppError } from '../errors.js';
import { counterSink, countWrite } from './counting.js';
import type { ServiceDeps } from './deps.js';
import { openPreferences, retryOnConflict } from './links.js';

export type PreferenceChange =
  | { action: 'schedule'; timezone?: string; sendHour?: number }
  | { action: 'name'; firstName?: string }
  | { action: 'pause' }
  | { action: 'resume' }
  | { action: 'restart' }
  /** "Sign out all older links": a new secret, so every preferences link sent so far dies. */
  | { action: 'sign-out' };

export function loadPreferences(deps: ServiceDeps, token: unknown): Promise<Subscriber> {
  return openPreferences(deps, token);
}

/**
 * Applies one change from the preferences page to the freshest record. A
 * change that does not fit the reader's state (pausing a finished course, say)
 * is a clear 409, never a silent no-op.
 */
export async function changePreferences(deps: ServiceDeps, token: unknown, change: PreferenceChange): Promise<Subscriber> {
  return retryOnConflict(async () => {
    const sub = await openPreferences(deps, token);
    const stored = await deps.store.put(apply(sub, change, deps.clock.now(), deps.course.totalDays), sub.version);
    if (stored) await countWrite(counterSink(deps), sub, stored);
    return stored;
  });
}

function apply(sub: Subscriber, change: PreferenceChange, now: Date, totalDays: number): Subscriber {
  if (sub.status === 'unsubscribed' || sub.status === 'suppressed') {
    throw new AppError('gone', 'You have left the course, so there is nothing to change.');
  }
  if (sub.status === 'pending') throw new AppError('conflict', 'Please confirm your subscription first.');
  switch (change.action) {
    case 'schedule':
      return changeSchedule(sub, change.timezone ?? sub.timezone, change.sendHour ?? sub.sendHour, now);
    case 'name':
      return { ...sub, firstName: change.firstName };
    case 'sign-out':
      return { ...sub, linkSecret: randomLinkValue() };
    case 'pause':
      if (sub.status === 'paused') return sub; // pausing twice is the same pause
      if (!canPause(sub)) throw new AppError('conflict', busyOr(sub, 'Only a course in progress can be paused.'));
      return pause(sub, now);
    case 'resume':
      if (sub.status === 'active') return sub;
      if (sub.status !== 'paused') throw new AppError('conflict', 'Only a paused course can be resumed.');
      return resume(sub, now);
    case 'restart':
      if (!canRestart(sub)) throw new AppError('conflict', busyOr(sub, 'This course cannot be restarted now.'));
      return restart(sub, now, totalDays);
  }
}

function busyOr(sub: Subscriber, message: string): string {
  return sub.claim ? 'A lesson is being sent to you right now; please try again in a minute.' : message;
}
