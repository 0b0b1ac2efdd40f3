import type { Subscriber } from '../core/subscriber.js';
import { counterSink, countRemoved, type Sink } from './counting.js';
import { maskEmail, type ServiceDeps } from './deps.js';
import { suppressionHash } from './notices.js';

/**
 * Retention: 30 days after a reader unsubscribes (or is suppressed after a
 * bounce or complaint), their record is reduced to what suppression needs: a
 * keyed hash of the address, the date and the reason. The drip finds such
 * records in the due index as it walks it (core/subscriber.ts, reduceLater).
 * The hash is written first and the record deleted only if unchanged: a reader
 * who signed up again meanwhile keeps their new record.
 */
export async function reduceRecord(deps: ServiceDeps, sub: Subscriber, sink: Sink = counterSink(deps)): Promise<boolean> {
  if (sub.status !== 'unsubscribed' && sub.status !== 'suppressed') return false;
  const at = (sub.status === 'suppressed' ? sub.suppressedAt : sub.unsubscribedAt) ?? deps.clock.now().toISOString();
  const reason = sub.status === 'suppressed' ? (sub.suppressedReason ?? 'suppressed') : 'unsubscribed';
  await deps.store.saveSuppression({ hash: suppressionHash(deps, sub.email), status: sub.status, at, reason });
  if (!(await deps.store.delete(sub.email, sub.version))) return false;
  // Unsubscribe links of old emails then lead to "you are unsubscribed" (nothing held).
  if (sub.linkId) await deps.store.unlink(sub.linkId);
  await countRemoved(deps, sink, sub, false, deps.clock.now());
  deps.log?.('retention.reduced', { email: maskEmail(sub.email), status: sub.status });
  return true;
}
