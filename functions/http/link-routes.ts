import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { createToken } from '../core/tokens.js';
import { AppError } from '../errors.js';
import { confirm, readLink, unsubscribeByToken } from '../services/links.js';
import { loadPreferences, updateSchedule } from '../services/preferences.js';
import { readBody, wantsJson, type AppDeps } from './app.js';
import { actionPage, backToSignup, messagePage, page } from './pages.js';
import { fieldErrors, preferencesSchema } from './validation.js';

/** The token of a link: from the POSTed form, else from the URL. */
function tokenOf(c: Context, body: Record<string, unknown> = {}): unknown {
  return body.t ?? c.req.query('t');
}

/**
 * Pages behind emailed links. A GET only shows a page with a button (mail
 * scanners prefetch links); the state change is the button's POST.
 */
export function linkRoutes(deps: AppDeps) {
  const app = new Hono();

  app.get('/confirm', (c) => {
    const token = tokenOf(c);
    readLink(deps, token, 'confirm');
    return c.html(actionPage('Confirm your subscription', 'One tap and your first lesson is on its way.', '/confirm', String(token), 'Confirm my subscription'));
  });

  app.post('/confirm', async (c) => {
    const outcome = await confirm(deps, tokenOf(c, await readBody(c)));
    if (wantsJson(c)) return c.json({ ok: true, outcome });
    return outcome === 'confirmed'
      ? c.html(messagePage('You are in', 'Your first lesson arrives within a minute or two. After that, one lesson a day at the hour you chose.'))
      : c.html(messagePage('Already confirmed', 'You had already confirmed. Your lessons keep coming each day.'));
  });

  app.get('/unsubscribe', (c) => {
    const token = tokenOf(c);
    readLink(deps, token, 'unsubscribe');
    return c.html(actionPage('Unsubscribe', 'Stop all emails from this course? You can sign up again at any time.', '/unsubscribe', String(token), 'Unsubscribe'));
  });

  app.post('/unsubscribe', async (c) => {
    const body = await readBody(c);
    await unsubscribeByToken(deps, tokenOf(c, body));
    // RFC 8058 one-click: the mail client posts this body and shows no page.
    if (body['List-Unsubscribe'] === 'One-Click') return c.text('Unsubscribed.');
    if (wantsJson(c)) return c.json({ ok: true });
    return c.html(
      messagePage('You are unsubscribed', 'You will get no more emails from this course. Take care of yourself.', html`<p>Changed your mind? <a href="/">Sign up again</a>.</p>`),
    );
  });

  app.get('/preferences', async (c) => {
    const token = String(tokenOf(c));
    const sub = await loadPreferences(deps, token);
    return c.html(preferencesPage(deps, token, sub.email, sub.sendHour, sub.timezone));
  });

  app.post('/preferences', async (c) => {
    const body = await readBody(c);
    const parsed = preferencesSchema.safeParse(body);
    if (!parsed.success) throw new AppError('invalid-input', 'Please choose a valid hour and time zone.', fieldErrors(parsed.error));
    const sub = await updateSchedule(deps, tokenOf(c, body), { timezone: parsed.data.timezone, sendHour: parsed.data.send_hour });
    if (wantsJson(c)) return c.json({ ok: true, sendHour: sub.sendHour, timezone: sub.timezone });
    return c.html(messagePage('Saved', `Your next lessons arrive at ${String(sub.sendHour).padStart(2, '0')}:00, ${sub.timezone} time.`, backToSignup));
  });
  return app;
}

function preferencesPage(deps: AppDeps, token: string, email: string, sendHour: number, timezone: string) {
  const unsubscribe = createToken(deps.config.keys, { purpose: 'unsubscribe', email });
  return page(
    'Your preferences',
    html`<h1>Your preferences</h1>
<form class="card" method="post" action="/preferences"><input type="hidden" name="t" value="${token}">
<label for="send_hour">Send my lesson at</label><select id="send_hour" name="send_hour">
${Array.from({ length: 24 }, (_, h) => html`<option value="${h}" ${h === sendHour ? 'selected' : ''}>${String(h).padStart(2, '0')}:00</option>`)}
</select>
<label for="timezone">Time zone</label><input id="timezone" name="timezone" value="${timezone}" maxlength="64" aria-describedby="tz-hint">
<p class="hint" id="tz-hint">For example Europe/London or America/New_York.</p>
<button type="submit">Save</button></form>
<form class="card gap" method="post" action="/unsubscribe"><input type="hidden" name="t" value="${unsubscribe}">
<p>Want no more emails?</p><button class="secondary" type="submit">Unsubscribe</button></form>`,
  );
}
