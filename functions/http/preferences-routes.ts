import { Hono, type Context } from 'hono';
import { signRecordLink } from '../core/link-tokens.js';
import type { Subscriber } from '../core/subscriber.js';
import { AppError } from '../errors.js';
import { changePreferences, loadPreferences, type PreferenceChange } from '../services/preferences.js';
import { openDataLink, requestDataLink, useDataLink } from '../services/privacy.js';
import type { AppDeps } from './app-deps.js';
import { actionPage, messagePage } from './pages.js';
import { NOTICES, preferencesPage } from './reader-pages.js';
import { readBody, tokenOf, wantsJson } from './request.js';
import { fieldErrors, preferencesSchema } from './validation.js';

/** What is still held after an erase, and for how long (SECURITY.md, "Retention"). */
export const RETENTION =
  'A few things fade on their own: the counters that limit how often the form may email you (kept under a keyed fingerprint, never your address) within a day, our logs (which never hold your full address) after a month, and database backups after 35 days. If this address ever bounced or reported our email as spam, we keep only a keyed fingerprint of it, so that we never email it again.';

/**
 * The preferences page (every change a POST with the token, answered with
 * the page and a notice) and the emailed data links it asks for.
 */
export function preferencesRoutes(deps: AppDeps) {
  const app = new Hono();
  const links = (sub: Subscriber) => ({
    preferences: signRecordLink(deps.config.keys, 'preferences', { linkId: sub.linkId ?? '', secret: sub.linkSecret }),
    unsubscribe: signRecordLink(deps.config.keys, 'unsubscribe', { linkId: sub.linkId ?? '' }),
  });

  app.get('/preferences', async (c) => {
    const sub = await loadPreferences(deps, tokenOf(c));
    const done = c.req.query('done');
    // Own keys only: `done=__proto__` or `constructor` is no notice at all.
    const notice = done && Object.hasOwn(NOTICES, done) ? NOTICES[done as keyof typeof NOTICES](sub) : undefined;
    return c.html(preferencesPage(sub, links(sub).preferences, links(sub).unsubscribe, deps.course.totalDays, { notice }));
  });

  app.post('/preferences', async (c) => {
    const body = await readBody(c);
    const token = tokenOf(c, body);
    const parsed = preferencesSchema.safeParse({ action: 'schedule', ...body });
    if (!parsed.success) return refused(c, token, body, fieldErrors(parsed.error));
    const data = parsed.data;
    const change: PreferenceChange =
      data.action === 'schedule'
        ? { action: 'schedule', timezone: data.timezone, sendHour: data.send_hour }
        : data.action === 'name'
          ? { action: 'name', firstName: data.first_name }
          : { action: data.action };
    const sub = await changePreferences(deps, token, change);
    const notice = NOTICES[change.action](sub);
    if (wantsJson(c)) {
      return c.json({ ok: true, message: notice, status: sub.status, sendHour: sub.sendHour, timezone: sub.timezone, pausedUntil: sub.pausedUntil });
    }
    // Post/redirect/get: a reload shows the page again instead of repeating the change. After
    // signing out older links the page goes on with the one new link.
    return c.redirect(`/preferences?t=${encodeURIComponent(links(sub).preferences)}&done=${change.action}`, 303);
  });

  /** A refused change shows the page again, the problem next to its field and what was typed kept. */
  async function refused(c: Context, token: unknown, body: Record<string, unknown>, errors: Record<string, string>) {
    if (wantsJson(c)) throw new AppError('invalid-input', 'Please check the fields.', errors);
    const sub = await loadPreferences(deps, token);
    const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string).slice(0, 100) : undefined);
    const page = preferencesPage(sub, links(sub).preferences, links(sub).unsubscribe, deps.course.totalDays, { errors, typed: { timezone: text('timezone'), first_name: text('first_name') } });
    return c.html(page, 400);
  }

  for (const action of ['export', 'delete'] as const) {
    app.post(`/preferences/${action}`, async (c) => {
      const masked = await requestDataLink(deps, tokenOf(c, await readBody(c)), action);
      const what = action === 'export' ? 'download a copy of your data' : 'delete your data';
      const message = `We sent an email to ${masked} with a link to ${what}. It works once, for 30 minutes. Nothing happens until you open it from your inbox.`;
      return wantsJson(c) ? c.json({ ok: true, message }) : c.html(messagePage('Check your inbox', message));
    });
  }

  app.get('/data', async (c) => {
    const token = tokenOf(c) ?? '';
    const sub = await openDataLink(deps, token);
    return c.html(
      sub.dataLink.action === 'export'
        ? actionPage('Download your data', 'A file with everything we hold about you: your sign-up, your schedule, the lessons sent and your consent record.', '/data', token, 'Download my data')
        : actionPage('Delete your data?', `This erases your sign-up, your progress and your consent record for good. No more emails will come. This cannot be undone. ${RETENTION}`, '/data', token, 'Yes, delete everything', 'danger'),
    );
  });

  app.post('/data', async (c) => {
    const result = await useDataLink(deps, tokenOf(c, await readBody(c)));
    if (result.action === 'export') {
      c.header('Content-Disposition', 'attachment; filename="let-go-my-data.json"');
      return c.json(result.data);
    }
    if (wantsJson(c)) return c.json({ ok: true });
    return c.html(messagePage('Your data is deleted', 'We no longer hold anything about you. You will get no more emails from this course. Take good care of yourself.'));
  });
  return app;
}
