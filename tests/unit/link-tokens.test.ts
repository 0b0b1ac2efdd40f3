import { describe, expect, it } from 'vitest';
import { openLink, openRecordLink, signLink, signRecordLink } from '../../functions/core/link-tokens.js';
import { parseKeyring } from '../../functions/core/tokens.js';
import { TEST_KEYS, testLinkIds } from '../support/fixtures.js';

/** Compact links: an HMAC over a record's id and secret, bound to a purpose, rotating keys. */
const ids = testLinkIds();
const link = { linkId: ids.linkId, secret: ids.linkSecret };

describe('compact link tokens', () => {
  it('round-trips, stays short and URL-safe, and is signed by the first key', () => {
    const token = signRecordLink(TEST_KEYS, 'preferences', link);
    expect(token).toMatch(/^k2\.[\w-]+$/);
    expect(token.length).toBeLessThanOrEqual(35);
    expect(openRecordLink(TEST_KEYS, token, 'preferences')).toEqual({ ok: true, link });
    const unsubscribe = signRecordLink(TEST_KEYS, 'unsubscribe', { linkId: ids.linkId });
    expect(openRecordLink(TEST_KEYS, unsubscribe, 'unsubscribe')).toEqual({ ok: true, link: { linkId: ids.linkId } });
  });

  it('is bound to its purpose', () => {
    const token = signRecordLink(TEST_KEYS, 'preferences', link);
    for (const purpose of ['confirm', 'data', 'unsubscribe', 'form'] as const) {
      expect(openRecordLink(TEST_KEYS, token, purpose).ok, purpose).toBe(false);
    }
  });

  it('refuses every altered, truncated or foreign token', () => {
    const token = signRecordLink(TEST_KEYS, 'confirm', link);
    const body = Buffer.from(token.slice(3), 'base64url');
    for (let i = 0; i < body.length; i++) {
      const altered = Buffer.from(body);
      altered[i] = (altered[i] ?? 0) ^ 1;
      expect(openLink(TEST_KEYS, `k2.${altered.toString('base64url')}`, 'confirm')).toEqual({ ok: false, reason: 'forged' });
    }
    expect(openLink(TEST_KEYS, token.slice(0, -2), 'confirm').ok).toBe(false);
    expect(openLink(TEST_KEYS, `k9.${token.slice(3)}`, 'confirm')).toEqual({ ok: false, reason: 'unknown-key' });
    for (const bad of ['', 'k2.', '.abc', 'k2.a+b', 'x'.repeat(500), 42, undefined]) {
      expect(openLink(TEST_KEYS, bad, 'confirm')).toMatchObject({ ok: false, reason: 'malformed' });
    }
    const otherKeys = parseKeyring(`k2:${Buffer.alloc(32, 9).toString('base64')}`);
    expect(openLink(otherKeys, token, 'confirm')).toEqual({ ok: false, reason: 'forged' });
  });

  it('keeps working across a key rotation: old links verify while their key is listed', () => {
    const old = parseKeyring(`k1:${Buffer.alloc(32, 1).toString('base64')}`);
    const token = signLink(old, 'form', Buffer.alloc(12, 3));
    expect(openLink(TEST_KEYS, token, 'form')).toMatchObject({ ok: true }); // TEST_KEYS lists k2 then k1
  });
});
