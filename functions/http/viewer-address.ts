import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Context, MiddlewareHandler } from 'hono';
import * as z from 'zod';

/**
 * The API behind CloudFront (API_DOMAIN). The Function URL itself stays
 * public (CloudFront's origin access control for Lambda URLs would make every
 * browser form post carry the body's SHA-256, which browsers never send), so
 * the distribution proves itself with a secret header that its viewer-request
 * function adds, and only then is its viewer header believed.
 */

/** Must equal ORIGIN_SECRET_HEADER in infra/edge-headers.ts. */
export const ORIGIN_SECRET_HEADER = 'x-letgo-origin-secret';
/** Added by CloudFront through the origin request policy (infra/cloudfront.ts): `address:port`. */
export const VIEWER_ADDRESS_HEADER = 'cloudfront-viewer-address';

/**
 * ORIGIN_SECRET: the current value first, then any previous one still
 * accepted while a rotation reaches every edge. CloudFront sends the first.
 */
export const originSecretList = z
  .string()
  .transform((list) => list.split(',').map((value) => value.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[A-Za-z0-9+/=_-]{32,256}$/, 'each origin secret is 32 or more letters, digits or +/=_- (openssl rand -hex 32)')).min(1).max(3));

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Requests that came through our distribution, and the reader's own address on them. */
export function behindCloudFront(secrets: readonly string[]): { guard: MiddlewareHandler; clientIp: (c: Context) => string | undefined } {
  const accepted = secrets.map(digest);
  // Equal-length digests, every accepted value compared whatever matched first: nothing to time.
  const fromCloudFront = (value: string | undefined) => {
    if (!value) return false;
    const given = digest(value);
    return accepted.reduce((match, secret) => timingSafeEqual(given, secret) || match, false);
  };
  return {
    guard: async (c, next) => {
      // Plain and the same for every refusal: a prober learns nothing about why.
      if (!fromCloudFront(c.req.header(ORIGIN_SECRET_HEADER))) return c.text('Forbidden', 403);
      await next();
    },
    // Only reached behind the guard, so the header is CloudFront's: it sets it on every origin request.
    clientIp: (c) => parseViewerAddress(c.req.header(VIEWER_ADDRESS_HEADER)),
  };
}

/**
 * The address in CloudFront-Viewer-Address, without its port:
 * `198.51.100.10:46532`, IPv6 as CloudFront writes it (`2001:db8::1:46532`,
 * unbracketed, the port always last), or bracketed (`[2001:db8::1]:46532`);
 * a bare address without a port too. Anything else (a list, junk): undefined,
 * and the caller counts the request as "unknown" rather than trust it.
 */
export function parseViewerAddress(value: string | undefined): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  if (bracketed) return isIP(bracketed[1] ?? '') === 6 && validPort(bracketed[2]) ? bracketed[1] : undefined;
  // CloudFront always writes the port last; only when what precedes it is no address is the whole one.
  const cut = text.lastIndexOf(':');
  const address = text.slice(0, cut);
  if (cut > 0 && validPort(text.slice(cut + 1)) && isIP(address) !== 0) return address;
  return isIP(text) !== 0 ? text : undefined;
}

function validPort(port: string | undefined): boolean {
  return port === undefined || (/^\d{1,5}$/.test(port) && Number(port) <= 65_535);
}
