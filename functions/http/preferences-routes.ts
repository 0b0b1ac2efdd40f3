import { Hono } from 'hono';
import { createToken } from '../core/tokens.js';
import { AppError } from '../errors.js';
import { changePreferences, loadPreferences, type PreferenceChange } from '../services/preferences.js';
import { deleteByToken, exportByToken } from '../services/privacy.js';
import { actionPage, messagePage } from './pages.js';
import { readBody, wantsJson, type AppDeps } from './app.js';
import { tokenOf } from './link-routes.js';
import { NOTICES, preferencesPage } from './reader-pages.js';
import { fieldErrors, preferencesSchema } from './validation.js';

/** The preferences page: every change is a POST with the token, answered by the page with a notice. */
export function preferencesRoutes(deps: AppDeps) {
  const app = new Hono();
  const unsubscribeToken = (email: string) => createToken(deps.config.keys, { purpose: 'unsubscribe', email });

  app.get('/preferences', async (c) => {
    const token = String(tokenOf(c));
    const sub = await loadPreferences(deps, token);
    const done = c.req.query('done');
    const notice = done && done in NOTICES ? NOTICES[done as keyof typeof NOTICES](sub) : undefined;
    return c.html(preferencesPage(sub, token, unsubscribeToken(sub.email), notice));
  });

  app.post('/preferences', async (c) => {
    const body = await readBody(c);
    const parsed = preferencesSchema.safeParse({ action: 'schedule', ...body });
    if (!parsed.success) throw new AppError('invalid-input', 'Please choose a valid hour and time zone.', fieldErrors(parsed.error));
    const change: PreferenceChange =
      parsed.data.action === 'schedule'
        ? { action: 'schedule', timezone: parsed.data.timezone, sendHour: parsed.data.send_hour }
        : { action: parsed.data.action };
    const token = tokenOf(c, body);
    const sub = await changePreferences(deps, token, change);
    const notice = NOTICES[change.action](sub);
    if (wantsJson(c)) {
      return c.json({ ok: true, message: notice, status: sub.status, sendHour: sub.sendHour, timezone: sub.timezone, pausedUntil: sub.pausedUntil });
    }
    // Post/redirect/get: a reload shows the page again instead of repeating the change.
    return c.redirect(`/preferences?t=${encodeURIComponent(String(token))}&done=${change.action}`, 303);
  });

  app.post('/preferences/export', async (c) => {
    const data = await exportByToken(deps, tokenOf(c, await readBody(c)));
    c.header('Content-Disposition', 'attachment; filename="let-go-my-data.json"');
    return c.json(data);
  });

  // Two steps: the first POST asks "are you sure?", the second (confirm=yes) erases.
  app.post('/preferences/delete', async (c) => {
    const body = await readBody(c);
    const token = tokenOf(c, body);
    if (body.confirm !== 'yes' && c.req.query('confirm') !== 'yes') {
      await loadPreferences(deps, token);
      return c.html(
        actionPage('Delete your data?', 'This erases your sign-up, your progress and your consent record for good. No more emails will come. This cannot be undone.', '/preferences/delete?confirm=yes', String(token), 'Yes, delete everything', 'danger'),
      );
    }
    await deleteByToken(deps, token);
    if (wantsJson(c)) return c.json({ ok: true });
    return c.html(messagePage('Your data is deleted', 'We no longer hold anything about you. You will get no more emails from this course.'));
  });
  return app;
}
