import { exportRecord } from '../core/privacy.js';
import { AppError } from '../errors.js';
import { maskEmail, type ServiceDeps } from './deps.js';
import { readLink } from './links.js';

/** The reader's data rights, from a preferences link (token) or from the author's command line (address). */
export async function exportByAddress(deps: ServiceDeps, email: string) {
  const sub = await deps.store.get(email);
  if (!sub) throw new AppError('not-found', 'We hold no data for this address.');
  return { exportedAt: deps.clock.now().toISOString(), subscriber: exportRecord(sub) };
}

export async function deleteByAddress(deps: ServiceDeps, email: string): Promise<boolean> {
  const existed = Boolean(await deps.store.get(email));
  await deps.store.delete(email);
  deps.log?.('privacy.deleted', { email: maskEmail(email), existed });
  return existed;
}

export function exportByToken(deps: ServiceDeps, token: unknown) {
  return exportByAddress(deps, readLink(deps, token, 'preferences').email);
}

export function deleteByToken(deps: ServiceDeps, token: unknown) {
  return deleteByAddress(deps, readLink(deps, token, 'preferences').email);
}
