import { exportRecord } from '../core/privacy.js';
import type { Subscriber } from '../core/subscriber.js';
import { AppError } from '../errors.js';
import { counterSink, countRemoved, lessonCount } from './counting.js';
import { maskEmail, type ServiceDeps } from './deps.js';
import { openLink, openPreferences, retryOnConflict } from './links.js';
import { addressLimits, suppressionHash } from './notices.js';
import { enqueue } from './signup.js';

/**
 * A reader's data rights. From the preferences page they only ask: the
 * download or the erase happens through a link emailed to the address at
 * that moment (single use, 30 minutes, services/notices.ts), so a forwarded
 * lesson alone never yields the data or erases it. The author's command line
 * acts on an address directly (scripts/privacy.ts).
 */
export async function exportByAddress(deps: ServiceDeps, email: string) {
  const sub = await deps.store.get(email);
  const suppression = await deps.store.suppression(suppressionHash(deps, email));
  if (!sub && !suppression) throw new AppError('not-found', 'We hold no data for this address.');
  const now = deps.clock.now();
  // What the abuse limits hold under a keyed hash of the address; it expires within a day.
  const limits = await Promise.all(
    addressLimits(deps, { email, kind: 'signup' })
      .concat(addressLimits(deps, { email, kind: 'data-link' }))
      .map(async ({ key, windowMs }) => ({ counter: key.split(':')[0], windows: await deps.limiter.held(key, windowMs, now) })),
  );
  // Their answers to "was today's step helpful?", comments included.
  const days = Array.from({ length: lessonCount(deps.course) }, (_, i) => i + 1);
  const votes = sub?.linkId && deps.votes ? await deps.votes.list(sub.linkId, days) : [];
  return {
    exportedAt: now.toISOString(),
    subscriber: sub ? exportRecord(sub) : null,
    helpfulAnswers: votes.map(({ day, choice, comment, at }) => ({ lesson: day, answer: choice === 'yes' ? 'yes' : 'not really', comment: comment ?? null, at })),
    rateLimitCounters: limits.filter((limit) => limit.windows.length > 0),
    suppression: suppression ? { status: suppression.status, at: suppression.at, reason: suppression.reason } : null,
  };
}

/**
 * Erases what can be erased at once: the record, its link mapping, the limiter
 * counters of the address. A bounced or complained address keeps only a keyed
 * hash (never mail it again); everything else left expires within a day.
 */
export async function deleteByAddress(deps: ServiceDeps, email: string): Promise<boolean> {
  const now = deps.clock.now();
  // The record as it was erased, so the counters keep exactly what it held (the drip may write meanwhile).
  let sub: Subscriber | undefined;
  for (let tries = 0; ; tries++) {
    sub = await deps.store.get(email);
    if (sub?.status === 'suppressed') {
      await deps.store.saveSuppression({ hash: suppressionHash(deps, email), status: 'suppressed', at: sub.suppressedAt ?? now.toISOString(), reason: sub.suppressedReason ?? 'suppressed' });
    }
    if (sub?.linkId) await deps.store.unlink(sub.linkId);
    if (!sub || (await deps.store.delete(email, tries < 5 ? sub.version : undefined))) break;
  }
  // The course's figures keep what this reader added, without anything of theirs (votes and comments go).
  if (sub) await countRemoved(deps, counterSink(deps), sub, true, now);
  for (const { key, windowMs } of [...addressLimits(deps, { email, kind: 'signup' }), ...addressLimits(deps, { email, kind: 'data-link' })]) {
    await deps.limiter.erase(key, windowMs, now);
  }
  deps.log?.('privacy.deleted', { email: maskEmail(email), existed: Boolean(sub) });
  return Boolean(sub);
}

/** From the preferences page: email the address a link that does it. Returns the masked address for the page. */
export async function requestDataLink(deps: ServiceDeps, token: unknown, action: 'export' | 'delete'): Promise<string> {
  const sub = await openPreferences(deps, token);
  await enqueue(deps, { kind: 'data-link', email: sub.email, action });
  return maskEmail(sub.email);
}

const USED = 'This link has expired or was already used. Ask for a new one on your preferences page.';

/** The record behind an emailed data link, while the link is open. */
export async function openDataLink(deps: ServiceDeps, token: unknown): Promise<Subscriber & { dataLink: NonNullable<Subscriber['dataLink']> }> {
  const { sub, secret } = await openLink(deps, token, 'data');
  const link = sub?.dataLink;
  if (!sub || !link || link.nonce !== secret || link.until <= deps.clock.now().getTime()) throw new AppError('expired-link', USED);
  return { ...sub, dataLink: link };
}

/** Uses the link once: the download (the link closes) or the erase. */
export async function useDataLink(deps: ServiceDeps, token: unknown) {
  return retryOnConflict(async () => {
    const sub = await openDataLink(deps, token);
    if (sub.dataLink.action === 'delete') return { action: 'delete' as const, deleted: await deleteByAddress(deps, sub.email) };
    const { dataLink: _used, ...closed } = sub;
    if (!(await deps.store.put(closed, sub.version))) return undefined;
    return { action: 'export' as const, data: await exportByAddress(deps, sub.email) };
  });
}
