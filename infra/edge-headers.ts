/**
 * What CloudFront and the API must agree on (infra/cloudfront.ts, functions/http/viewer-address.ts).
 * Pure: no SST globals, so the tests can read it.
 */

/** Must equal ORIGIN_SECRET_HEADER in functions/http/viewer-address.ts. */
export const ORIGIN_SECRET_HEADER = 'x-letgo-origin-secret';
export const VIEWER_ADDRESS_HEADER = 'CloudFront-Viewer-Address';

/**
 * What CloudFront passes on to the Function URL, besides what SST's cache
 * policy already forwards (query strings, x-forwarded-host): the viewer
 * headers the app reads (tests/infra checks every one it reads is here), the
 * origin secret the viewer-request function adds, and the viewer's address.
 * Never Host: a Function URL answers only to its own host name. 8 of the
 * 10 headers an origin request policy takes by default.
 */
export const FORWARDED_HEADERS = [
  'accept',
  'content-type',
  'user-agent',
  // CORS for the embeddable JSON form (ALLOWED_ORIGINS), preflight included.
  'origin',
  'access-control-request-method',
  'access-control-request-headers',
  ORIGIN_SECRET_HEADER,
  VIEWER_ADDRESS_HEADER,
];

/** OriginSecret is "current,previous": CloudFront sends the current one, the API accepts both while a rotation settles. */
export function currentSecret(list: string): string {
  return list.split(',')[0]?.trim() ?? '';
}
