import { Hono } from 'hono';
import { createToken } from '../core/tokens.js';
import { AppError } from '../errors.js';
import { changePreferences, loadPreferences, type PreferenceChange } from '../services/preferences.js';
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
    return c.html(preferencesPage(sub, token, unsubscribeToken(sub.email)));
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
    return c.html(preferencesPage(sub, String(token), unsubscribeToken(sub.email), notice));
  });
  return app;
}
