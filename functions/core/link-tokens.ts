import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TokenKeyring } from './tokens.js';

/**
 * Link tokens, second version: an HMAC over a few random bytes, so a link is
 * short (35 characters: a phone shows a whole link on one line), unforgeable and
 * bound to one purpose, and says nothing by itself. The bytes name a record
 * (its `linkId`) and a secret that must still match that record (its current
 * `linkSecret`, `optinId` or data-link nonce), so the server decides whether
 * an old link still works: deleting, signing up again or signing out older
 * links changes the secret, and every earlier link dies with it.
 *
 * Format: `<kid>.<base64url(payload ‖ tag)>`; the tag is HMAC-SHA-256 under a
 * key derived from the token key `kid` (HKDF, its own label), cut to 80 bits,
 * over the purpose and the payload. The key id travels in clear so keys
 * rotate: the first key signs, every listed key still verifies.
 */
// helpful: a lesson's "was today's step helpful?" links; signin, session and csrf: the author's console.
export type LinkPurpose = 'confirm' | 'unsubscribe' | 'preferences' | 'data' | 'form' | 'signin' | 'helpful' | 'session' | 'csrf';
export type LinkFailure = 'malformed' | 'unknown-key' | 'forged';
export type OpenedLink = { ok: true; payload: Buffer } | { ok: false; reason: LinkFailure };

// An 80-bit tag: forging a link means guessing it online, one request per guess (NIST SP 800-107
// accepts truncation to 64 bits and more where attempts are online); 64 random bits name a record.
const TAG_BYTES = 10;
export const LINK_ID_BYTES = 8;
export const SECRET_BYTES = 6;
const KID = /^[A-Za-z0-9_-]{1,16}$/;
const macKeys = new WeakMap<Buffer, Buffer>();

function macKey(key: Buffer): Buffer {
  let derived = macKeys.get(key);
  if (!derived) macKeys.set(key, (derived = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'letgo link tag v2', 32))));
  return derived;
}

function tag(key: Buffer, purpose: LinkPurpose, payload: Buffer): Buffer {
  return createHmac('sha256', macKey(key)).update(`letgo:${purpose}:`).update(payload).digest().subarray(0, TAG_BYTES);
}

/** A new random id or secret, as stored in a record and carried in links. */
export function randomLinkValue(bytes: number = SECRET_BYTES): string {
  return randomBytes(bytes).toString('base64url');
}

export function signLink(keyring: TokenKeyring, purpose: LinkPurpose, payload: Buffer): string {
  const key = keyring.keys.get(keyring.current);
  if (!key) throw new Error(`current token key ${keyring.current} missing`);
  return `${keyring.current}.${Buffer.concat([payload, tag(key, purpose, payload)]).toString('base64url')}`;
}

export function openLink(keyring: TokenKeyring, token: unknown, purpose: LinkPurpose): OpenedLink {
  if (typeof token !== 'string' || token.length > 200) return { ok: false, reason: 'malformed' };
  const dot = token.indexOf('.');
  const kid = token.slice(0, dot);
  const data = token.slice(dot + 1);
  if (dot < 1 || !KID.test(kid) || !/^[A-Za-z0-9_-]+$/.test(data)) return { ok: false, reason: 'malformed' };
  const key = keyring.keys.get(kid);
  if (!key) return { ok: false, reason: 'unknown-key' };
  const body = Buffer.from(data, 'base64url');
  if (body.length <= TAG_BYTES) return { ok: false, reason: 'malformed' };
  const payload = body.subarray(0, body.length - TAG_BYTES);
  const expected = tag(key, purpose, payload);
  if (!timingSafeEqual(expected, body.subarray(body.length - TAG_BYTES))) return { ok: false, reason: 'forged' };
  return { ok: true, payload };
}

/** Record links: the record's id, then (for every purpose but unsubscribe) the secret it must still hold. */
export type RecordLink = { linkId: string; secret?: string };

export function signRecordLink(keyring: TokenKeyring, purpose: LinkPurpose, link: RecordLink): string {
  const id = Buffer.from(link.linkId, 'base64url');
  if (id.length !== LINK_ID_BYTES) throw new Error(`a link id is ${LINK_ID_BYTES} bytes`);
  const secret = link.secret === undefined ? Buffer.alloc(0) : Buffer.from(link.secret, 'base64url');
  if (link.secret !== undefined && secret.length !== SECRET_BYTES) throw new Error('a link secret is 6 bytes');
  return signLink(keyring, purpose, Buffer.concat([id, secret]));
}

export function openRecordLink(
  keyring: TokenKeyring,
  token: unknown,
  purpose: LinkPurpose,
): { ok: true; link: RecordLink } | { ok: false; reason: LinkFailure } {
  const opened = openLink(keyring, token, purpose);
  if (!opened.ok) return opened;
  const { payload } = opened;
  const withSecret = purpose !== 'unsubscribe';
  if (payload.length !== LINK_ID_BYTES + (withSecret ? SECRET_BYTES : 0)) return { ok: false, reason: 'malformed' };
  const linkId = payload.subarray(0, LINK_ID_BYTES).toString('base64url');
  return { ok: true, link: withSecret ? { linkId, secret: payload.subarray(LINK_ID_BYTES).toString('base64url') } : { linkId } };
}
