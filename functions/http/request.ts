import type { Context } from 'hono';
import { AppError } from '../errors.js';

/** What every route reads from a request: how to answer, its body, the token of a link. */
export function wantsJson(c: Context): boolean {
  const type = c.req.header('content-type') ?? '';
  const accept = c.req.header('accept') ?? '';
  return type.includes('application/json') || (accept.includes('application/json') && !accept.includes('text/html'));
}

/** The body's media type, lower case, without its parameters ("application/json; charset=utf-8" is application/json). */
function mediaType(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * The body is JSON. A page on another site can make its visitor's browser
 * send a form, or text, or any Accept header, without asking; a JSON body
 * only after a CORS preflight, which only ALLOWED_ORIGINS pass. So this, not
 * wantsJson (which picks the answer's format), is what may exempt a request
 * from the form's token.
 */
export function sentJson(c: Context): boolean {
  return mediaType(c) === 'application/json';
}

/** Reads a form or JSON body into a flat record; anything else is a clear 4xx. */
export async function readBody(c: Context): Promise<Record<string, unknown>> {
  const type = mediaType(c);
  if (type === 'application/json') {
    const body: unknown = await c.req.json().catch(() => {
      throw new AppError('invalid-input', 'The request body is not valid JSON.');
    });
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new AppError('invalid-input', 'The request body must be a JSON object.');
    }
    return body as Record<string, unknown>;
  }
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    const body = await c.req.parseBody().catch(() => {
      throw new AppError('invalid-input', 'The form data could not be read.');
    });
    return Object.fromEntries(Object.entries(body).filter(([, value]) => typeof value === 'string'));
  }
  throw new AppError('unsupported-media-type', 'Send the form as application/x-www-form-urlencoded or JSON.');
}

/**
 * The token of a link: from the POSTed form, else from the URL. Only a string
 * is a token: a JSON body can carry any value (an object whose toString is
 * not a function throws in String()), and none of them is a link.
 */
export function tokenOf(c: Context, body: Record<string, unknown> = {}): string | undefined {
  return typeof body.t === 'string' ? body.t : c.req.query('t');
}

/** A text field of a body, or '' when it is absent or not text (a JSON body's object or number). */
export function textOf(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}
