import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Link tokens: AES-256-GCM over a small JSON payload, so a token is opaque
 * (the address is never readable in a URL), unforgeable, and bound to one
 * purpose. The key id travels in clear so keys can rotate: the first key
 * signs, every listed key still verifies.
 */
/** `form` tokens stamp when the sign-up form was served (minimum time-to-submit). */
export type TokenPurpose = 'confirm' | 'unsubscribe' | 'preferences' | 'form';
export type TokenKeyring = { current: string; keys: ReadonlyMap<string, Buffer> };
export type TokenClaims = { purpose: TokenPurpose; email: string; nonce?: string; expiresAt?: number };
export type TokenFailure = 'malformed' | 'unknown-key' | 'forged' | 'wrong-purpose' | 'expired';
export type TokenResult =
  | { ok: true; claims: TokenClaims }
  // An expired token is still authentic: its claims let the page offer a fresh link.
  | { ok: false; reason: 'expired'; claims: TokenClaims }
  | { ok: false; reason: Exclude<TokenFailure, 'expired'> };

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;
const PURPOSES: readonly TokenPurpose[] = ['confirm', 'unsubscribe', 'preferences', 'form'];

/** Parses `kid:base64key,kid2:base64key` (the first one signs). */
export function parseKeyring(spec: string): TokenKeyring {
  const keys = new Map<string, Buffer>();
  for (const entry of spec.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [kid, secret] = entry.split(':');
    if (!kid || !KEY_ID.test(kid) || !secret) throw new Error(`token key "${entry.slice(0, 20)}…" is not kid:base64`);
    const key = Buffer.from(secret, 'base64');
    if (key.length !== 32) throw new Error(`token key ${kid} must be 32 bytes of base64, got ${key.length}`);
    keys.set(kid, key);
  }
  const current = [...keys.keys()][0];
  if (!current) throw new Error('no token key given');
  return { current, keys };
}

export function newTokenKey(kid: string): string {
  return `${kid}:${randomBytes(32).toString('base64')}`;
}

function aad(kid: string): Buffer {
  return Buffer.from(`letgo:${VERSION}:${kid}`);
}

export function createToken(keyring: TokenKeyring, claims: TokenClaims): string {
  const key = keyring.keys.get(keyring.current);
  if (!key) throw new Error(`current token key ${keyring.current} missing`);
  const payload = JSON.stringify({ p: claims.purpose, e: claims.email, n: claims.nonce, x: claims.expiresAt });
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad(keyring.current));
  const body = Buffer.concat([iv, cipher.update(payload, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${keyring.current}.${body.toString('base64url')}`;
}

export function verifyToken(keyring: TokenKeyring, token: unknown, purpose: TokenPurpose, now: Date): TokenResult {
  if (typeof token !== 'string' || token.length > 1024) return { ok: false, reason: 'malformed' };
  const [version, kid, data, extra] = token.split('.');
  if (version !== VERSION || !kid || !data || extra !== undefined || !/^[A-Za-z0-9_-]+$/.test(data)) {
    return { ok: false, reason: 'malformed' };
  }
  const key = keyring.keys.get(kid);
  if (!key) return { ok: false, reason: 'unknown-key' };
  const body = Buffer.from(data, 'base64url');
  if (body.length <= IV_BYTES + TAG_BYTES) return { ok: false, reason: 'malformed' };
  let payload: unknown;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV_BYTES)).setAAD(aad(kid));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]);
    payload = JSON.parse(plain.toString('utf8'));
  } catch {
    // GCM authentication failed: tampered, truncated or made with another key.
    return { ok: false, reason: 'forged' };
  }
  const claims = readClaims(payload);
  if (!claims) return { ok: false, reason: 'forged' };
  if (claims.purpose !== purpose) return { ok: false, reason: 'wrong-purpose' };
  if (claims.expiresAt !== undefined && now.getTime() >= claims.expiresAt) return { ok: false, reason: 'expired', claims };
  return { ok: true, claims };
}

function readClaims(payload: unknown): TokenClaims | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { p, e, n, x } = payload as Record<string, unknown>;
  if (!PURPOSES.includes(p as TokenPurpose) || typeof e !== 'string') return undefined;
  return {
    purpose: p as TokenPurpose,
    email: e,
    nonce: typeof n === 'string' ? n : undefined,
    expiresAt: typeof x === 'number' ? x : undefined,
  };
}
