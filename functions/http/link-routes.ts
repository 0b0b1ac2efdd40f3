import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { AppError } from '../errors.js';
import { checkLink, confirm, openLink, peekConfirm, unsubscribeByToken } from '../services/links.js';
import { checkClientRate, enqueue } from '../services/signup.js';
import type { AppDeps } from './app-deps.js';
import { actionPage, linkProblemPage, messagePage } from './pages.js';
import { readBody, tokenOf, wantsJson } from './request.js';

/** An expired confirmation link still names its reader: offer a fresh email instead of a dead end. */
function expiredConfirm(c: Context, error: unknown, token: unknown) {
  if (!(error instanceof AppError) || error.code !== 'expired-link' || wantsJson(c) || typeof token !== 'string') throw error;
  return c.html(linkProblemPage('This link has expired', 'Confirmation links work for 7 days.', 'confirm', { freshToken: token }), 410);
}

/** The body of a POST whatever it is: RFC 8058 clients may send none, or another content type. */
async function lenientBody(c: Context): Promise<Record<string, unknown>> {
  try {
    return await readBody(c);
  } catch (error) {
    if (error instanceof AppError && (error.code === 'unsupported-media-type' || error.code === 'invalid-input')) return {};
    throw error;
  }
}

/**
 * Pages behind emailed links. A GET only shows a page with a button (mail
 * scanners prefetch links); the state change is the button's POST.
 */
export function linkRoutes(deps: AppDeps) {
  const app = new Hono();

  app.get('/confirm', async (c) => {
    const token = tokenOf(c);
    checkLink(deps, token, 'confirm');
    // Read only: an expired sign-up shows its way forward at once, not after the tap.
    const state = await peekConfirm(deps, token).catch((error: unknown) => expiredConfirm(c, error, token));
    if (state instanceof Response) return state;
    if (state === 'already-confirmed') return c.html(messagePage('Already confirmed', 'You had already confirmed. Your lessons keep coming each day.'));
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

  // The same per-network limit as the form: this too makes us send an email.
  app.post('/confirm/resend', async (c) => {
    const token = tokenOf(c, await readBody(c));
    await checkClientRate(deps, deps.clientIp?.(c) ?? 'unknown');
    const { sub } = await openLink(deps, token, 'confirm');
    if (sub?.status === 'pending') await enqueue(deps, { kind: 'resend', email: sub.email });
    const message = 'If this address can still join, a fresh confirmation email is on its way. Check your inbox.';
    return wantsJson(c) ? c.json({ ok: true, message }) : c.html(messagePage('Check your inbox', message));
  });

  app.get('/unsubscribe', (c) => {
    const token = tokenOf(c);
    checkLink(deps, token, 'unsubscribe');
    return c.html(actionPage('Unsubscribe?', 'You will get no more emails from this course. You can sign up again at any time.', '/unsubscribe', String(token), 'Unsubscribe'));
  });

  // Any POST with a valid token unsubscribes: RFC 8058 mail clients post
  // `List-Unsubscribe=One-Click` to the header's URL, some with another body or none.
  app.post('/unsubscribe', async (c) => {
    const body = await lenientBody(c);
    await unsubscribeByToken(deps, tokenOf(c, body));
    const form = /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(c.req.header('content-type') ?? '');
    if (body['List-Unsubscribe'] === 'One-Click' || (!form && !wantsJson(c))) return c.text('Unsubscribed.');
    if (wantsJson(c)) return c.json({ ok: true });
    return c.html(
      messagePage(
        'You are unsubscribed',
        'You will get no more emails from this course. Whatever you decide next, take good care of yourself.',
        // The same page however the link's subscription stood (a forwarded email learns nothing), and true in each case:
        // a link from before a new sign-up ends only its own.
        html`<p>Still getting lessons? Each sign-up has its own link: use Unsubscribe in the newest email.</p>
<p>Changed your mind? <a href="/">Sign up again</a>: it takes one email to confirm.</p>`,
      ),
    );
  });
  return app;
}
