import { describe, expect, it } from 'vitest';
import { createToken, parseKeyring, verifyToken } from '../../functions/core/tokens.js';
import { TEST_KEYS } from '../support/fixtures.js';

const now = new Date('2026-12-01T00:00:00Z');
const confirm = (expiresAt = now.getTime() + 1000) =>
  createToken(TEST_KEYS, { purpose: 'confirm', email: 'reader@example.com', nonce: 'n1', expiresAt });

describe('link tokens', () => {
  it('round-trips the claims and never shows the address', () => {
    const token = confirm();
    expect(token).not.toContain('reader');
    expect(Buffer.from(token.split('.')[2] ?? '', 'base64url').toString('latin1')).not.toContain('reader@');
    expect(verifyToken(TEST_KEYS, token, 'confirm', now)).toEqual({
      ok: true,
      claims: { purpose: 'confirm', email: 'reader@example.com', nonce: 'n1', expiresAt: now.getTime() + 1000 },
    });
    expect(token).toMatch(/^v1\.k2\.[\w-]+$/); // URL-safe, signed by the first key
  });

  it('rejects a tampered token', () => {
    const token = confirm();
    const body = Buffer.from(token.split('.')[2] ?? '', 'base64url');
    body[20] = (body[20] ?? 0) ^ 1;
    expect(verifyToken(TEST_KEYS, `v1.k2.${body.toString('base64url')}`, 'confirm', now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('rejects a truncated token', () => {
    const token = confirm();
    expect(verifyToken(TEST_KEYS, token.slice(0, -4), 'confirm', now)).toMatchObject({ ok: false });
    expect(verifyToken(TEST_KEYS, token.slice(0, 12), 'confirm', now)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('rejects a token of another purpose', () => {
    const token = createToken(TEST_KEYS, { purpose: 'unsubscribe', email: 'reader@example.com' });
    expect(verifyToken(TEST_KEYS, token, 'confirm', now)).toEqual({ ok: false, reason: 'wrong-purpose' });
  });

  it('rejects a token made with another key, and an unknown key id', () => {
    const other = parseKeyring(`k2:${Buffer.alloc(32, 9).toString('base64')}`);
    const forged = createToken(other, { purpose: 'unsubscribe', email: 'reader@example.com' });
    expect(verifyToken(TEST_KEYS, forged, 'unsubscribe', now)).toEqual({ ok: false, reason: 'forged' });
    const stranger = parseKeyring(`zz:${Buffer.alloc(32, 9).toString('base64')}`);
    expect(verifyToken(TEST_KEYS, createToken(stranger, { purpose: 'unsubscribe', email: 'a@b.c' }), 'unsubscribe', now)).toEqual({
      ok: false,
      reason: 'unknown-key',
    });
  });

  it('still accepts a token signed by a previous key that is listed', () => {
    const old = parseKeyring(`k1:${Buffer.alloc(32, 1).toString('base64')}`);
    const token = createToken(old, { purpose: 'unsubscribe', email: 'reader@example.com' });
    expect(verifyToken(TEST_KEYS, token, 'unsubscribe', now)).toMatchObject({ ok: true });
  });

  it('expires confirm tokens', () => {
    expect(verifyToken(TEST_KEYS, confirm(now.getTime()), 'confirm', now)).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('rejects garbage without throwing', () => {
    for (const junk of [undefined, 42, '', 'v1', 'v1..', 'v2.k2.abc', 'v1.k2.***', 'v1.k2.abc.def', 'x'.repeat(5000)]) {
      expect(verifyToken(TEST_KEYS, junk, 'confirm', now).ok).toBe(false);
    }
  });

  it('refuses malformed key specs naming the problem', () => {
    expect(() => parseKeyring('')).toThrow(/no token key/);
    expect(() => parseKeyring('k1:short')).toThrow(/k1 must be 32 bytes/);
    expect(() => parseKeyring('bad id!:abc')).toThrow(/kid:base64/);
  });
});
