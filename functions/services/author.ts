import { LINK_ID_BYTES, openLink, randomLinkValue, signLink } from '../core/link-tokens.js';
import { AppError } from '../errors.js';
import type { NoticeJob, SessionStore } from '../ports.js';
import { humanWindowMs, type ServiceDeps } from './deps.js';

/**
 * The author's way into the console (issue 13, SECURITY.md): `/admin` asks
 * for an address and always answers the same; only when it is AUTHOR_EMAIL
 * does the notice worker email a sign-in link there (single use, 15 minutes
 * in real time, at most 5 an hour). The link's POST opens a session: a cookie
 * naming a session the table holds (12 hours at most, closed by signing
 * out), signed with the token keys under its own purpose; every console POST
 * carries a CSRF token derived from that session.
 */
export const SIGNIN_LINK_MS = 15 * 60_000;
export const SESSION_MS = 12 * 3_600_000;
export const SIGNIN_LIMIT = { limit: 5, windowMs: 3_600_000 } as const;
const STAMP_BYTES = 6;

export type Session = { id: string; csrf: string; until: number };
export type SessionDeps = Pick<ServiceDeps, 'config' | 'clock' | 'limiter' | 'log'> & { sessions?: SessionStore };

const stamp = (ms: number) => {
  const bytes = Buffer.alloc(STAMP_BYTES);
  bytes.writeUIntBE(ms, 0, STAMP_BYTES);
  return bytes;
};

/** A sign-in link issued at `issuedAt` (the nonce makes it single use). */
export function signInUrl(deps: Pick<ServiceDeps, 'config'>, issuedAt: number, nonce: Buffer = Buffer.from(randomLinkValue(), 'base64url')): string {
  return `${deps.config.baseUrl}/admin/sign-in?t=${signLink(deps.config.keys, 'signin', Buffer.concat([stamp(issuedAt), nonce]))}`;
}

/** The link is ours, for signing in, and still within its 15 minutes (nothing is used up: the GET page). */
export function checkSignIn(deps: Pick<ServiceDeps, 'config' | 'clock'>, token: unknown): { nonce: string; until: number } {
  const opened = openLink(deps.config.keys, token, 'signin');
  if (!opened.ok || opened.payload.length !== STAMP_BYTES + 6) throw new AppError('invalid-link', 'This sign-in link is not valid.');
  const until = opened.payload.readUIntBE(0, STAMP_BYTES) + humanWindowMs(deps.clock, SIGNIN_LINK_MS);
  if (deps.clock.now().getTime() >= until) throw new AppError('expired-link', 'Sign-in links work for 15 minutes. Ask for a new one below.');
  return { nonce: opened.payload.subarray(STAMP_BYTES).toString('base64url'), until };
}

/** Uses the link up and opens a session. */
export async function signIn(deps: SessionDeps, token: unknown): Promise<Session> {
  const { nonce, until } = checkSignIn(deps, token);
  if (!deps.sessions) throw new Error('this entry point keeps no sessions');
  if (!(await deps.limiter.once(`signin:${nonce}`, new Date(until)))) {
    throw new AppError('expired-link', 'This sign-in link was used already. Ask for a new one below.');
  }
  const now = deps.clock.now().getTime();
  const id = randomLinkValue(LINK_ID_BYTES);
  const session = { id, until: now + humanWindowMs(deps.clock, SESSION_MS), csrf: csrfToken(deps, id) };
  await deps.sessions.open(id, session.until);
  deps.log?.('author.signed-in', { until: new Date(session.until).toISOString() });
  return session;
}

/** The cookie's value: the session's id and end, signed (the table still decides whether it is open). */
export function sessionCookie(deps: Pick<ServiceDeps, 'config'>, session: Pick<Session, 'id' | 'until'>): string {
  return signLink(deps.config.keys, 'session', Buffer.concat([Buffer.from(session.id, 'base64url'), stamp(session.until)]));
}

/** The session a cookie names, if it is ours, unexpired and not signed out. */
export async function openSession(deps: SessionDeps, cookie: string | undefined): Promise<Session | undefined> {
  const opened = openLink(deps.config.keys, cookie, 'session');
  if (!opened.ok || opened.payload.length !== LINK_ID_BYTES + STAMP_BYTES || !deps.sessions) return undefined;
  const id = opened.payload.subarray(0, LINK_ID_BYTES).toString('base64url');
  const until = opened.payload.readUIntBE(LINK_ID_BYTES, STAMP_BYTES);
  const now = deps.clock.now().getTime();
  if (until <= now || !(await deps.sessions.isOpen(id, now))) return undefined;
  return { id, until, csrf: csrfToken(deps, id) };
}

export function csrfToken(deps: Pick<ServiceDeps, 'config'>, sessionId: string): string {
  return signLink(deps.config.keys, 'csrf', Buffer.from(sessionId, 'base64url'));
}

/** Every console POST: the form's CSRF token must be this session's. */
export function checkCsrf(deps: Pick<ServiceDeps, 'config'>, session: Session, token: unknown): void {
  const opened = openLink(deps.config.keys, token, 'csrf');
  if (!opened.ok || opened.payload.toString('base64url') !== session.id) throw new AppError('forbidden', 'This form has expired. Reload the page and try again.');
}

export async function signOut(deps: SessionDeps, session: Session): Promise<void> {
  await deps.sessions?.close(session.id);
  deps.log?.('author.signed-out', {});
}
