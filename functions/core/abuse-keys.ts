import { createHmac } from 'node:crypto';
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';

/**
 * The keys abuse limits count under. Pure. A bomber varies what a mail
 * provider ignores (case, plus-tags, Gmail's dots, googlemail.com, a domain
 * in Unicode or punycode) to make one inbox look like many, and moves inside
 * an IPv6 /64 (one household's allocation) or an IPv4 /24 for fresh
 * budgets; so limits count the canonical mailbox and the network, and never
 * under the address in clear: every key is an HMAC (the reader's right to be
 * forgotten covers the limiter too).
 */
const GMAIL = new Set(['gmail.com', 'googlemail.com']);

/** The mailbox an address delivers to, as far as the domain's known rules tell. Never stored, never mailed. */
export function canonicalMailbox(email: string): string {
  const at = email.lastIndexOf('@');
  const rawLocal = email.slice(0, at).trim().toLowerCase();
  const rawDomain = email.slice(at + 1).trim().toLowerCase().replace(/\.$/, '');
  // IDN in one form (punycode); an unconvertible domain stays as typed, lowercased.
  const domain = domainToASCII(rawDomain) || rawDomain;
  // Plus-tags are a sub-address on every major provider; treat them as such everywhere.
  let local = rawLocal.split('+')[0] ?? rawLocal;
  if (GMAIL.has(domain)) {
    local = local.replaceAll('.', '');
    return `${local}@gmail.com`;
  }
  return `${local}@${domain}`;
}

/**
 * The networks one client address counts toward: IPv4 by the address and its
 * /24; IPv6 by its /64 (one subscriber's allocation: an address inside it is
 * free to pick) and its /48 (one site). IPv4-mapped IPv6 counts as IPv4.
 * Something that is not an address at all counts under one shared key.
 */
export function networkKeys(clientIp: string): { narrow: string; wide: string } {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(clientIp.trim());
  } catch {
    return { narrow: 'ip:unknown', wide: 'ip:unknown' };
  }
  if (parsed.kind() === 'ipv4') {
    const octets = (parsed as ipaddr.IPv4).octets;
    return { narrow: `ip4:${octets.join('.')}`, wide: `ip4/24:${octets.slice(0, 3).join('.')}` };
  }
  const parts = (parsed as ipaddr.IPv6).parts.map((part) => part.toString(16));
  return { narrow: `ip6/64:${parts.slice(0, 4).join(':')}`, wide: `ip6/48:${parts.slice(0, 3).join(':')}` };
}

/** A limiter or suppression key: HMAC-SHA-256 under the deployment's hash key, 128 bits, URL-safe. */
export function keyedHash(hashKey: Buffer, value: string): string {
  return createHmac('sha256', hashKey).update(value).digest().subarray(0, 16).toString('base64url');
}
