import { html, raw } from 'hono/html';
import { courseSpan } from '../core/course-length.js';
import { currentZoneName, formatInZone } from '../core/schedule.js';
import { SUPPRESSED } from '../services/links.js';
import type { Subscriber } from '../core/subscriber.js';
import { hourOptions, messagePage, page } from './pages.js';

/** Pages a reader reaches from an email: preferences and the answers to their changes. */
const hh = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** A date in the reader's zone; in UTC, and said so, for a zone this runtime no longer knows. */
function localDate(iso: string, timezone: string): string {
  const { text, known } = formatInZone(new Date(iso), timezone, { weekday: 'long', day: 'numeric', month: 'long' });
  return known ? text : `${text} (UTC)`;
}

/** "America/New_York" reads as "New York time". */
export function zoneName(timezone: string): string {
  const current = currentZoneName(timezone);
  return `${(current.split('/').at(-1) ?? current).replace(/_/g, ' ')} time`;
}

/** `totalDays`: the course as deployed now, which may be shorter than when this reader began. */
function progress(sub: Subscriber, totalDays: number): string {
  if (sub.status === 'completed') return `You finished all ${totalDays} days.`;
  const sent = Math.min(totalDays, Math.max(0, (sub.nextDay ?? 1) - 1));
  const next = sub.due === undefined ? '' : ` Next lesson: ${localDate(new Date(sub.due).toISOString(), sub.timezone)} at ${hh(sub.sendHour)}.`;
  if (sent > 0) return `You have had ${sent} of ${totalDays} lessons.${next}`;
  return sub.sends.length > 0 ? `You are starting again from day 1.${next}` : 'Your first lesson is on its way.';
}

function button(token: string, action: string, label: string, secondary = true) {
  return html`<form method="post" action="/preferences"><input type="hidden" name="t" value="${token}">
<input type="hidden" name="action" value="${action}"><button type="submit"${secondary ? html` class="secondary"` : ''}>${label}</button></form>`;
}

export type PreferencesView = {
  notice?: string;
  /** Field errors of a refused change, with what the reader typed kept in the field. */
  errors?: Record<string, string>;
  typed?: { timezone?: string; first_name?: string };
};

function fieldProblem(errors: Record<string, string>, name: string) {
  return errors[name] ? html`<p class="error" id="${name}-error">${errors[name]}</p>` : '';
}

function described(errors: Record<string, string>, name: string, hint: string) {
  return raw(` aria-describedby="${errors[name] ? `${name}-error ` : ''}${hint}"${errors[name] ? ' aria-invalid="true"' : ''}`);
}

export function preferencesPage(sub: Subscriber, token: string, unsubscribeToken: string, totalDays: number, view: PreferencesView = {}) {
  if (sub.status === 'suppressed') {
    // Not "you unsubscribed" (they did not), and no sign-up link: a new sign-up to this address sends nothing.
    return messagePage('Our emails to you have stopped', `${SUPPRESSED} Nothing else changed on your side.`, html`<p>If you would like the course again, reply to any of our emails and we will look into it with you.</p>`);
  }
  if (sub.status === 'unsubscribed') {
    return messagePage('You are unsubscribed', 'You get no emails from this course.', html`<p><a href="/">Sign up again</a></p>`);
  }
  if (sub.status === 'pending') {
    return messagePage('Almost there', 'Open the confirmation email we sent you and tap the button to start the course.');
  }
  const { notice, errors = {}, typed = {} } = view;
  const paused = sub.status === 'paused' && sub.pausedUntil;
  return page(
    'Your preferences',
    html`<h1>Your preferences</h1>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}${Object.keys(errors).length ? html`<p class="error" role="alert">Nothing was changed: please check the field marked below.</p>` : ''}
<p>${paused ? `Your lessons are paused until ${localDate(sub.pausedUntil as string, sub.timezone)}.` : progress(sub, totalDays)}</p>
<form class="card" method="post" action="/preferences"><h2>When your lesson arrives</h2>
<input type="hidden" name="t" value="${token}"><input type="hidden" name="action" value="schedule">
<label for="send_hour">Time of day</label><select id="send_hour" name="send_hour">${hourOptions(sub.sendHour)}</select>
<label for="timezone">Time zone</label>
<input id="timezone" name="timezone" value="${typed.timezone ?? sub.timezone}" maxlength="64" list="zones" autocomplete="off" spellcheck="false"${described(errors, 'timezone', 'tz-hint')}>
<datalist id="zones"></datalist>${fieldProblem(errors, 'timezone')}
<p class="hint" id="tz-hint">A place name such as Europe/London or America/New_York. Now: ${hh(sub.sendHour)}, ${zoneName(sub.timezone)}.</p>
<button type="submit">Save</button></form>
<form class="card gap" method="post" action="/preferences"><h2>Your name</h2>
<input type="hidden" name="t" value="${token}"><input type="hidden" name="action" value="name">
<label for="first_name">First name <span class="hint">(optional: lessons greet you with it)</span></label>
<input id="first_name" name="first_name" value="${typed.first_name ?? sub.firstName ?? ''}" maxlength="60" autocomplete="given-name"${described(errors, 'first_name', 'name-hint')}>
${fieldProblem(errors, 'first_name')}<p class="hint" id="name-hint">Leave it empty to be greeted with a plain “Hi”.</p>
<button class="secondary" type="submit">Save name</button></form>
<section class="card gap"><h2>${paused ? 'On a break' : sub.status === 'completed' ? 'Again?' : 'Need a break?'}</h2>
${sub.status === 'completed'
  ? html`<p>Take the course again from day 1, one lesson a day.</p>${button(token, 'restart', 'Take the course again', false)}`
  : html`${paused
      ? html`<p>Your lessons will start again by themselves.</p>${button(token, 'resume', 'Resume now', false)}`
      : html`<p>Pause your lessons for 7 days. Nothing is lost.</p>${button(token, 'pause', 'Pause for 7 days')}`}
<h2>Broke no contact?</h2><p>It happens, and it is not a failure. Start the ${courseSpan(totalDays)} again from day 1.</p>
${button(token, 'restart', 'I broke no contact: restart from day 1')}`}
</section>
<section class="card gap"><h2>Someone else has your emails?</h2>
<p>If a lesson was forwarded or someone else can read your inbox, sign out every preferences link sent so far. This page keeps working; your next email brings a new link.</p>
${button(token, 'sign-out', 'Sign out all older links')}</section>
<form class="card gap" method="post" action="/unsubscribe"><h2>Leave the course</h2><input type="hidden" name="t" value="${unsubscribeToken}">
<p>Stop all emails. You can sign up again at any time.</p><button class="secondary" type="submit">Unsubscribe</button></form>
<section class="card gap"><h2>Your data</h2><p>See everything we hold about you, or erase it for good. For your safety we email you a link that does it, valid for 30 minutes.</p>
<form method="post" action="/preferences/export"><input type="hidden" name="t" value="${token}"><button class="secondary" type="submit">Email me a download link</button></form>
<form method="post" action="/preferences/delete"><input type="hidden" name="t" value="${token}"><button class="danger" type="submit">Email me a link to delete my data</button></form></section>`,
    true,
  );
}

export const NOTICES: Record<'schedule' | 'name' | 'pause' | 'resume' | 'restart' | 'sign-out', (sub: Subscriber) => string> = {
  schedule: (sub) => `Saved. Your lessons now arrive at ${hh(sub.sendHour)}, ${zoneName(sub.timezone)}.`,
  name: (sub) => (sub.firstName ? `Saved. Lessons will greet you as ${sub.firstName}.` : 'Saved. Lessons will greet you with a plain “Hi”.'),
  'sign-out': () => 'Done. Every older preferences link is signed out. This page keeps working; your next email brings a new link.',
  pause: () => 'Paused. Nothing is lost: your lessons start again by themselves.',
  resume: () => 'Welcome back. Your next lesson arrives at your usual time.',
  restart: () => 'Restarted. Day 1 arrives at your usual time. Be kind to yourself.',
};
