import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import * as z from 'zod';
import { AppError } from '../errors.js';
import { checkCsrf, checkSignIn, openSession, sessionCookie, signIn, signOut, type Session } from '../services/author.js';
import { resumeSending } from '../services/breaker.js';
import { lookupReader } from '../services/reader-lookup.js';
import { checkClientRate, enqueue } from '../services/signup.js';
import { cohortsCsv, funnelCsv } from '../services/stats-csv.js';
import { readStats } from '../services/stats.js';
import type { AppDeps } from './app-deps.js';
import { overviewPage, signInButtonPage, signInPage } from './admin-pages.js';
import { cohortsPage, funnelPage, readerPage } from './admin-report-pages.js';
import { readBody, textOf, tokenOf, wantsJson } from './request.js';

const NEUTRAL = 'If that is the author’s address, a sign-in link is on its way. It works once, for 15 minutes.';
const email = z.string().trim().toLowerCase().max(254).pipe(z.email());

/**
 * The author's console at /admin (issue 13). Signed out, /admin offers the
 * emailed sign-in link; everything else needs the session cookie, and every
 * POST the session's CSRF token. Routes stay thin: services/author.ts signs
 * in, services/stats.ts counts, services/reader-lookup.ts looks up.
 */
export function adminRoutes(deps: AppDeps) {
  const app = new Hono();
  const secure = deps.config.baseUrl.startsWith('https://');
  // On https the __Host- prefix pins the cookie to this exact origin, path / and Secure.
  const COOKIE = secure ? '__Host-letgo-author' : 'letgo-author';
  const configured = () => Boolean(deps.config.author);
  const stats = () => {
    if (!deps.counters) throw new Error('this entry point has no counters');
    return readStats({ clock: deps.clock, course: deps.course, counters: deps.counters, votes: deps.votes, health: deps.health });
  };
  const current = (c: Context) => openSession(deps, getCookie(c, COOKIE));

  /** The session, or the sign-in page instead (401); with a form body, its CSRF token checked too. */
  async function signedIn(c: Context, body?: Record<string, unknown>): Promise<Session | Response> {
    const session = configured() ? await current(c) : undefined;
    if (!session) {
      if (wantsJson(c)) throw new AppError('unauthorized', 'Sign in to the console first.');
      return c.html(signInPage({ configured: configured(), problem: configured() ? 'Please sign in first.' : undefined }), configured() ? 401 : 404);
    }
    if (body) checkCsrf(deps, session, body.csrf);
    return session;
  }

  app.get('/admin', async (c) => {
    const session = configured() ? await current(c) : undefined;
    if (!session) return c.html(signInPage({ configured: configured() }));
    return c.html(overviewPage(await stats(), session.csrf));
  });

  app.post('/admin/link', async (c) => {
    const body = await readBody(c);
    if (!configured()) return c.html(signInPage({ configured: false }), 404);
    await checkClientRate(deps, deps.clientIp?.(c) ?? 'unknown');
    const typed = email.safeParse(body.email);
    if (!typed.success) return c.html(signInPage({ configured: true, problem: 'Enter a valid email address, like name@example.com.' }), 400);
    // The same work whatever the address: the notice worker decides (services/author.ts).
    await enqueue(deps, { kind: 'signin', email: typed.data });
    return wantsJson(c) ? c.json({ ok: true, message: NEUTRAL }) : c.html(signInPage({ configured: true, notice: NEUTRAL }));
  });

  /** A refused link shows the sign-in form again, with what went wrong. */
  const refusedLink = (c: Context, error: unknown) => {
    if (!(error instanceof AppError) || (error.code !== 'expired-link' && error.code !== 'invalid-link') || wantsJson(c)) throw error;
    return c.html(signInPage({ configured: configured(), problem: error.message }), error.code === 'expired-link' ? 410 : 400);
  };

  app.get('/admin/sign-in', (c) => {
    const token = tokenOf(c) ?? '';
    try {
      checkSignIn(deps, token);
    } catch (error) {
      return refusedLink(c, error);
    }
    return c.html(signInButtonPage(token));
  });

  app.post('/admin/sign-in', async (c) => {
    const token = tokenOf(c, await readBody(c));
    const session = await signIn(deps, token).catch((error: unknown) => refusedLink(c, error));
    if (session instanceof Response) return session;
    setCookie(c, COOKIE, sessionCookie(deps, session), {
      httpOnly: true,
      secure,
      sameSite: 'Strict',
      path: '/',
      // In real seconds: on the local stack's fast clock, 12 hours of the session are still 12 real hours.
      maxAge: Math.floor((session.until - deps.clock.now().getTime()) / Math.max(1, deps.clock.speed ?? 1) / 1000),
    });
    return c.redirect('/admin', 303);
  });

  app.post('/admin/sign-out', async (c) => {
    const session = await signedIn(c, await readBody(c));
    if (session instanceof Response) return session;
    await signOut(deps, session);
    deleteCookie(c, COOKIE, { path: '/', secure });
    return c.html(signInPage({ configured: true, notice: 'You are signed out.' }));
  });

  for (const [path, render] of [['/admin/funnel', funnelPage], ['/admin/cohorts', cohortsPage]] as const) {
    app.get(path, async (c) => {
      const session = await signedIn(c);
      if (session instanceof Response) return session;
      return c.html(render(await stats(), session.csrf));
    });
  }

  for (const [path, csv, file] of [['/admin/funnel.csv', funnelCsv, 'let-go-funnel.csv'], ['/admin/cohorts.csv', cohortsCsv, 'let-go-cohorts.csv']] as const) {
    app.get(path, async (c) => {
      const session = await signedIn(c);
      if (session instanceof Response) return session;
      c.header('Content-Disposition', `attachment; filename="${file}"`);
      return c.body(csv(await stats()), 200, { 'content-type': 'text/csv; charset=utf-8' });
    });
  }

  app.get('/admin/reader', async (c) => {
    const session = await signedIn(c);
    if (session instanceof Response) return session;
    return c.html(readerPage(session.csrf));
  });

  app.post('/admin/reader', async (c) => {
    const body = await readBody(c);
    const session = await signedIn(c, body);
    if (session instanceof Response) return session;
    const typed = email.safeParse(body.email);
    if (!typed.success) return c.html(readerPage(session.csrf, textOf(body, 'email').slice(0, 254)), 400);
    return c.html(readerPage(session.csrf, typed.data, await lookupReader(deps, typed.data)));
  });

  app.post('/admin/resume', async (c) => {
    const session = await signedIn(c, await readBody(c));
    if (session instanceof Response) return session;
    if (!deps.health) throw new Error('this entry point has no health store');
    await resumeSending({ health: deps.health, clock: deps.clock, log: deps.log });
    return c.html(overviewPage(await stats(), session.csrf, 'Sending is on again. The next drip run sends what is due.'));
  });
  return app;
}
