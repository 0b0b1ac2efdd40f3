import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { AppError } from '../errors.js';
import { confirm, readExpiredConfirm, readLink, unsubscribeByToken } from '../services/links.js';
import { signup } from '../services/signup.js';
import { readBody, wantsJson, type AppDeps } from './app.js';
import { actionPage, linkProblemPage, messagePage } from './pages.js';

/** The token of a link: from the POSTed form, else from the URL. */
export function tokenOf(c: Context, body: Record<string, unknown> = {}): unknown {
  return body.t ?? c.req.query('t');
}

/** An expired confirmation link still names its reader: offer a fresh email instead of a dead end. */
function expiredConfirm(c: Context, error: unknown, token: unknown) {
  if (!(error instanceof AppError) || error.code !== 'expired-link' || wantsJson(c) || typeof token !== 'string') throw error;
  return c.html(linkProblemPage('This link has expired', 'Confirmation links work for 7 days.', 'confirm', { freshToken: token }), 410);
}

/**
 * Pages behind emailed links. A GET only shows a page with a button (mail
 * scanners prefetch links); the state change is the button's POST.
 */
export function linkRoutes(deps: AppDeps) {
  const app = new Hono();

  app.get('/confirm', (c) => {
    const token = tokenOf(c);
    try {
      readLink(deps, token, 'confirm');
    } catch (error) {
      return expiredConfirm(c, error, token);
    }
    return c.html(actionPage('Confirm your subscription', 'One tap and your first lesson is on its way.', '/confirm', String(token), 'Confirm my subscription'));
  });

  app.post('/confirm', async (c) => {
    const token = tokenOf(c, await readBody(c));
    const outcome = await confirm(deps, token).catch((error: unknown) => expiredConfirm(c, error, token));
    if (outcome instanceof Response) return outcome;
    if (wantsJson(c)) return c.json({ ok: true, outcome });
    return outcome === 'confirmed'
      ? c.html(messagePage('You are in', 'Your first lesson arrives in a minute or two. After that, one lesson a day at the hour you chose. Look after yourself today.'))
      : c.html(messagePage('Already confirmed', 'You had already confirmed. Your lessons keep coming each day.'));
  });

  app.post('/confirm/resend', async (c) => {
    const email = readExpiredConfirm(deps, tokenOf(c, await readBody(c)));
    const stored = await deps.store.get(email);
    if (stored) {
      await signup(deps, {
        email,
        firstName: stored.firstName,
        timezone: stored.timezone,
        sendHour: stored.sendHour,
        consent: { ...stored.consent, at: deps.clock.now().toISOString(), ip: deps.clientIp?.(c) ?? 'unknown' },
      });
    }
    const message = 'If this address can still join, a fresh confirmation email is on its way. Check your inbox.';
    return wantsJson(c) ? c.json({ ok: true, message }) : c.html(messagePage('Check your inbox', message));
  });

  app.get('/unsubscribe', (c) => {
    const token = tokenOf(c);
    readLink(deps, token, 'unsubscribe');
    return c.html(actionPage('Unsubscribe?', 'You will get no more emails from this course. You can sign up again at any time.', '/unsubscribe', String(token), 'Unsubscribe'));
  });

  app.post('/unsubscribe', async (c) => {
    const body = await readBody(c);
    await unsubscribeByToken(deps, tokenOf(c, body));
    // RFC 8058 one-click: the mail client posts this body and shows no page.
    if (body['List-Unsubscribe'] === 'One-Click') return c.text('Unsubscribed.');
    if (wantsJson(c)) return c.json({ ok: true });
    return c.html(
      messagePage(
        'You are unsubscribed',
        'You will get no more emails from this course. Whatever you decide next, take good care of yourself.',
        html`<p>Changed your mind? <a href="/">Sign up again</a>: it takes one email to confirm.</p>`,
      ),
    );
  });
  return app;
}
