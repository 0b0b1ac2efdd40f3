import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { AppError, type AppErrorCode } from '../errors.js';
import { MailerError } from '../ports.js';
import type { AppDeps } from './app-deps.js';
import { adminRoutes } from './admin-routes.js';
import { helpfulRoutes } from './helpful-routes.js';
import { linkRoutes } from './link-routes.js';
import { backToSignup, contentSecurityPolicy, linkProblemPage, messagePage } from './pages.js';
import { preferencesRoutes } from './preferences-routes.js';
import { safetyRoutes } from './safety-page.js';
import { wantsJson } from './request.js';
import { signupRoutes } from './signup-routes.js';

export type { AppDeps } from './app-deps.js';

export const MAX_BODY_BYTES = 16 * 1024;

/** Every route and the methods it takes; anything else on a known path is a 405 with Allow. */
export const ROUTES: Record<string, string> = {
  '/': 'GET, HEAD',
  '/health': 'GET, HEAD',
  '/safety': 'GET, HEAD',
  '/subscribe': 'POST, OPTIONS',
  '/confirm': 'GET, HEAD, POST',
  '/confirm/resend': 'POST',
  '/unsubscribe': 'GET, HEAD, POST',
  '/preferences': 'GET, HEAD, POST',
  '/preferences/export': 'POST',
  '/preferences/delete': 'POST',
  '/data': 'GET, HEAD, POST',
  '/helpful': 'GET, HEAD, POST',
  '/admin': 'GET, HEAD',
  '/admin/link': 'POST',
  '/admin/sign-in': 'GET, HEAD, POST',
  '/admin/sign-out': 'POST',
  '/admin/funnel': 'GET, HEAD',
  '/admin/cohorts': 'GET, HEAD',
  '/admin/funnel.csv': 'GET, HEAD',
  '/admin/cohorts.csv': 'GET, HEAD',
  '/admin/reader': 'GET, HEAD, POST',
  '/admin/resume': 'POST',
};

const STATUS: Record<AppErrorCode, 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 415 | 429 | 503> = {
  'invalid-input': 400,
  'invalid-link': 400,
  'expired-link': 410,
  'stale-link': 410,
  gone: 410,
  'not-found': 404,
  conflict: 409,
  'unsupported-media-type': 415,
  'payload-too-large': 413,
  unavailable: 503,
  'rate-limited': 429,
  'method-not-allowed': 405,
  unauthorized: 401,
  forbidden: 403,
};

const TITLES: Record<AppErrorCode, string> = {
  'invalid-input': 'Something is missing',
  'invalid-link': 'This link does not work',
  'expired-link': 'This link has expired',
  'stale-link': 'This link is no longer valid',
  gone: 'You have left the course',
  'not-found': 'Page not found',
  conflict: 'Please try again',
  'unsupported-media-type': 'Unsupported request',
  'payload-too-large': 'Too much data',
  unavailable: 'Please try again in a minute',
  'rate-limited': 'Too many requests',
  'method-not-allowed': 'Not allowed',
  unauthorized: 'Please sign in',
  forbidden: 'Not allowed',
};

export function errorResponse(c: Context, error: AppError, mailto?: string) {
  const status = STATUS[error.code];
  if (error.retryAfterSeconds) c.header('Retry-After', String(error.retryAfterSeconds));
  if (error.allow) c.header('Allow', error.allow);
  if (wantsJson(c)) return c.json({ error: error.code, message: error.message, fields: error.fields }, status);
  if (error.code === 'expired-link' || error.code === 'invalid-link' || error.code === 'gone' || error.code === 'stale-link') {
    const path = c.req.path;
    const kind = path.startsWith('/unsubscribe') ? 'unsubscribe' : path.startsWith('/preferences') ? 'preferences' : path.startsWith('/data') ? 'data' : path.startsWith('/helpful') ? 'helpful' : 'confirm';
    const message = error.code === 'invalid-link' ? 'It may have been cut short when it was copied.' : error.message;
    return c.html(linkProblemPage(TITLES[error.code], message, kind, { mailto }), status);
  }
  return c.html(messagePage(TITLES[error.code], error.message, backToSignup), status);
}

/** The whole HTTP surface; entry points wrap it for Lambda or Node. */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  const csp = contentSecurityPolicy(Boolean(deps.humanCheck));
  // HSTS only where the service is served over https (production), never on the local http stack.
  const hsts = deps.config.baseUrl.startsWith('https://');
  app.use(async (c, next) => {
    await next();
    c.header('Content-Security-Policy', csp);
    // Links carry tokens: never leak them to another site through Referer.
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cache-Control', 'no-store');
    if (hsts) c.header('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
  });
  if (deps.originGuard) app.use(deps.originGuard);
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => errorResponse(c, new AppError('payload-too-large', 'The request body is larger than 16 KB.')),
    }),
  );
  const origins = new Set(deps.allowedOrigins ?? []);
  app.use(
    '/subscribe',
    cors({ origin: (origin) => (origins.has(origin) ? origin : null), allowMethods: ['POST'], allowHeaders: ['content-type'], maxAge: 86400 }),
  );
  app.get('/health', (c) => c.json({ ok: true }));
  app.route('/', signupRoutes(deps));
  app.route('/', linkRoutes(deps));
  app.route('/', preferencesRoutes(deps));
  app.route('/', safetyRoutes(deps));
  app.route('/', helpfulRoutes(deps));
  app.route('/', adminRoutes(deps));
  app.notFound((c) => {
    const allow = ROUTES[c.req.path];
    if (allow) return errorResponse(c, new AppError('method-not-allowed', `This address takes ${allow}.`, undefined, { allow }));
    return errorResponse(c, new AppError('not-found', 'There is nothing at this address.'));
  });
  app.onError((error, c) => {
    if (error instanceof AppError) return errorResponse(c, error, deps.config.unsubscribeMailto);
    if (error instanceof MailerError) {
      deps.log?.('http.mailer-error', { kind: error.kind, error: error.message });
      return errorResponse(c, new AppError('unavailable', 'We could not send the email just now.'));
    }
    deps.log?.('http.error', { path: c.req.path, error: error instanceof Error ? error.stack : String(error) });
    return wantsJson(c)
      ? c.json({ error: 'internal', message: 'Something went wrong on our side.' }, 500)
      : c.html(messagePage('Something went wrong', 'Something went wrong on our side. Please try again.'), 500);
  });
  return app;
}
