import type { Subscriber } from './subscriber.js';

/**
 * Everything we hold about a reader, in words they can read: the record minus
 * bookkeeping (versions, claims, index keys) that says nothing about them.
 */
export function exportRecord(sub: Subscriber) {
  return {
    email: sub.email,
    status: sub.status,
    firstName: sub.firstName ?? null,
    timezone: sub.timezone,
    sendHour: sub.sendHour,
    signedUpAt: sub.createdAt,
    consent: sub.consent,
    confirmedAt: sub.confirmedAt ?? null,
    nextLesson: sub.nextDay ?? null,
    nextLessonDue: sub.due === undefined || sub.nextDay === undefined ? null : new Date(sub.due).toISOString(),
    // A reader who left: when this record is reduced to a keyed hash of the address (SECURITY.md, retention).
    reducedAfter: sub.due !== undefined && sub.nextDay === undefined ? new Date(sub.due).toISOString() : null,
    pausedUntil: sub.pausedUntil ?? null,
    lessonsSent: sub.sends.map((send) => ({ day: send.day, sentAt: send.at, messageId: send.messageId })),
    restarts: sub.restarts ?? [],
    pauses: sub.pauses ?? [],
    left: sub.left ?? null,
    completedAt: sub.completedAt ?? null,
    unsubscribedAt: sub.unsubscribedAt ?? null,
    suppressedAt: sub.suppressedAt ?? null,
    suppressedReason: sub.suppressedReason ?? null,
  };
}
