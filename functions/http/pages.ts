import { createHash } from 'node:crypto';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { courseSpan } from '../core/course-length.js';
import { ADMIN_CSS } from './admin-style.js';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/**
 * Server-rendered pages: mobile first, no external assets, one inline
 * stylesheet and one inline script whose hashes are all the CSP allows.
 */
const CSS = `:root{color-scheme:light dark;--fg:#1f2933;--bg:#f7f4ef;--muted:#4a5561;--accent:#2b5a4c;--on-accent:#fff;--card:#fff;--line:#c9d1cc;--err:#9b1c1c;--ok:#e3f1ea}
@media (prefers-color-scheme:dark){:root{--fg:#ece7df;--bg:#161819;--muted:#b4bcc4;--accent:#8fd3bd;--on-accent:#10201a;--card:#222629;--line:#4a5257;--err:#ffb4b4;--ok:#1f3a30}}
*{box-sizing:border-box}body{margin:0;font:17px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:34rem;margin:0 auto;padding:1.25rem 1rem 3rem}h1{font-size:1.6rem;line-height:1.25;margin:.75rem 0 1rem}h2{font-size:1.15rem;margin:0 0 .5rem}h2+p{margin-top:0}
.brand{font-weight:700;letter-spacing:.04em;color:var(--muted);text-decoration:none}
.card{background:var(--card);border-radius:12px;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}.gap{margin-top:1rem}.card>form+h2{margin-top:1.5rem}
label{display:block;font-weight:600;margin:1rem 0 .3rem}input,select{width:100%;font:inherit;min-height:48px;padding:.6rem .75rem;border:1px solid var(--muted);border-radius:8px;background:var(--bg);color:var(--fg)}
button{display:block;width:100%;min-height:48px;margin-top:1.1rem;padding:.75rem;font:inherit;font-weight:700;border:2px solid var(--accent);border-radius:8px;background:var(--accent);color:var(--on-accent);cursor:pointer}
button.secondary{background:transparent;color:var(--accent)}:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.hint{color:var(--muted);font-size:.92rem;margin:.3rem 0 0}.error{color:var(--err);font-weight:600;margin:.3rem 0 0}
.notice{background:var(--ok);border-radius:8px;padding:.75rem 1rem;font-weight:600}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}a{color:var(--accent)}footer{color:var(--muted);font-size:.88rem;margin-top:2rem}
.card>:first-child{margin-top:0}.card>:last-child{margin-bottom:0}[aria-invalid=true]{border:2px solid var(--err)}label .hint{font-weight:400}h1{text-wrap:balance}
button.danger{background:transparent;color:var(--err);border-color:var(--err)}
fieldset{border:0;margin:1rem 0 0;padding:0}legend{font-weight:600;padding:0;margin:0 0 .3rem}label.choice{display:flex;align-items:center;gap:.75rem;min-height:48px;margin:0;font-weight:400}
label.choice input{width:1.5rem;min-height:1.5rem;margin:0;accent-color:var(--accent)}textarea{display:block;width:100%;min-height:7rem;font:inherit;padding:.6rem .75rem;border:1px solid var(--muted);border-radius:8px;background:var(--bg);color:var(--fg)}`;
// The sign-up form's hidden zone comes from the browser; the preferences page's zone field
// offers every IANA name the browser knows as you type (the server accepts any case).
const TZ_SCRIPT = `try{var z=Intl.DateTimeFormat().resolvedOptions().timeZone;var f=document.getElementById('timezone');if(z&&f&&f.type==='hidden')f.value=z;var l=document.getElementById('zones');if(l&&Intl.supportedValuesOf)Intl.supportedValuesOf('timeZone').forEach(function(n){var o=document.createElement('option');o.value=n;l.appendChild(o)})}catch(e){}`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

const TURNSTILE_ORIGIN = 'https://challenges.cloudflare.com';

/** Strict by default; Turnstile, when the author enables it, is the one outside origin allowed. */
export function contentSecurityPolicy(turnstile = false): string {
  return [
    "default-src 'none'",
    // The reader pages' stylesheet, and the author's console's (http/admin-style.ts).
    `style-src ${sha256(CSS)} ${sha256(ADMIN_CSS)}`,
    `script-src ${sha256(TZ_SCRIPT)}${turnstile ? ` ${TURNSTILE_ORIGIN}` : ''}`,
    turnstile ? `frame-src ${TURNSTILE_ORIGIN}` : '',
    "img-src 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ]
    .filter(Boolean)
    .join('; ');
}


/** The author's console: its own stylesheet, a wide layout on a desktop, a footer of its own. */
export type PageOptions = { admin?: { footer: Html | string } };

export function page(title: string, body: Html, withScript = false, turnstile = false, options: PageOptions = {}): Html {
  const footer = options.admin?.footer ?? html`Let Go is a free email course for the weeks after a breakup. One short lesson a day; unsubscribe from any email. Not safe, or need help now? <a href="/safety">Safety</a>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex"><title>${title} · Let Go</title><style>${raw(CSS)}</style>${options.admin ? html`<style>${raw(ADMIN_CSS)}</style>` : ''}</head>
<body><main${options.admin ? raw(' class="wide"') : ''}><a class="brand" href="${options.admin ? '/admin' : '/'}">Let Go</a>${body}<footer>${footer}</footer></main>
${withScript ? html`<script>${raw(TZ_SCRIPT)}</script>` : ''}${turnstile ? html`<script src="${TURNSTILE_ORIGIN}/turnstile/v0/api.js" async defer></script>` : ''}</body></html>`;
}

export type SignupForm = { email?: string; first_name?: string; send_hour?: string; timezone?: string };

export function hourOptions(selected: number | string) {
  return Array.from(
    { length: 24 },
    (_, h) => html`<option value="${h}"${String(h) === String(selected) ? raw(' selected') : ''}>${String(h).padStart(2, '0')}:00</option>`,
  );
}

function fieldError(errors: Record<string, string>, name: string) {
  return errors[name] ? html`<p class="error" id="${name}-error">${errors[name]}</p>` : '';
}

function invalid(errors: Record<string, string>, name: string, hint = '') {
  const ids = [errors[name] ? `${name}-error` : '', hint].filter(Boolean).join(' ');
  return raw(`${ids ? ` aria-describedby="${ids}"` : ''}${errors[name] ? ' aria-invalid="true"' : ''}`);
}

/** `totalDays`: the course's length, which content/ decides. */
export type SignupExtras = { formToken?: string; turnstileSiteKey?: string; totalDays: number };

export function signupPage(values: SignupForm, errors: Record<string, string>, extras: SignupExtras): Html {
  // The zone comes from the browser; only when it was refused does the reader see and fix it.
  const zoneField = errors.timezone
    ? html`<label for="timezone">Time zone</label><input id="timezone" name="timezone" value="${values.timezone ?? ''}" maxlength="64"${invalid(errors, 'timezone')}>${fieldError(errors, 'timezone')}`
    : html`<input type="hidden" id="timezone" name="timezone" value="${values.timezone ?? 'UTC'}">`;
  return page(
    Object.keys(errors).length ? 'Error: check the form' : `Join the ${extras.totalDays}-day course`,
    html`<h1>Let go, one day at a time</h1>
<p>One short email a day for ${courseSpan(extras.totalDays)}, to carry you through no contact and back to yourself.</p>
<form class="card" method="post" action="/subscribe" novalidate>
${Object.keys(errors).length ? html`<p class="error" role="alert">${errors.form ?? 'Please check the fields marked below.'}</p>` : ''}
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" inputmode="email" required maxlength="254" value="${values.email ?? ''}"${invalid(errors, 'email')}>
${fieldError(errors, 'email')}
<label for="first_name">First name <span class="hint">(optional)</span></label>
<input id="first_name" name="first_name" autocomplete="given-name" maxlength="60" value="${values.first_name ?? ''}"${invalid(errors, 'first_name')}>
${fieldError(errors, 'first_name')}
<label for="send_hour">Send my lesson at</label>
<select id="send_hour" name="send_hour"${invalid(errors, 'send_hour', 'hour-hint')}>${hourOptions(values.send_hour ?? '8')}</select>
<p class="hint" id="hour-hint">Your local time. You can change it later.</p>${fieldError(errors, 'send_hour')}
${zoneField}
<div class="hp" aria-hidden="true"><label for="website">Leave this empty</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
<input type="hidden" name="form_version" value="1">
${extras.formToken ? html`<input type="hidden" name="form_token" value="${extras.formToken}">` : ''}
${extras.turnstileSiteKey ? html`<div class="cf-turnstile gap" data-sitekey="${extras.turnstileSiteKey}"></div>${fieldError(errors, 'human')}` : ''}
<button type="submit">Start the course</button>
<p class="hint">We will email you a link to confirm. Every email has a one-tap unsubscribe.</p>
</form>
<p class="hint gap">Let Go is not a crisis service. If you are not safe, or need to talk to someone today, <a href="/safety">here is where to find help</a>.</p>`,
    true,
    Boolean(extras.turnstileSiteKey),
  );
}

export function messagePage(title: string, message: string, extra: Html | string = ''): Html {
  return page(title, html`<h1>${title}</h1><div class="card"><p>${message}</p>${extra}</div>`);
}

export function actionPage(title: string, message: string, action: string, token: string, label: string, style: 'primary' | 'danger' = 'primary'): Html {
  return page(
    title,
    html`<h1>${title}</h1><form class="card" method="post" action="${action}"><p>${message}</p>
<input type="hidden" name="t" value="${token}"><button type="submit"${style === 'danger' ? raw(' class="danger"') : ''}>${label}</button></form>`,
  );
}

export type LinkKind = 'confirm' | 'unsubscribe' | 'preferences' | 'data' | 'helpful';

/**
 * Expired or broken links: offer the way forward for what the reader was
 * trying to do, never a dead end (and never the sign-up form to someone leaving).
 */
export function linkProblemPage(title: string, message: string, kind: LinkKind, options: { freshToken?: string; mailto?: string } = {}): Html {
  const mailto = options.mailto?.replace(/^mailto:/, '').split('?')[0];
  const forward = {
    confirm: options.freshToken
      ? html`<form method="post" action="/confirm/resend"><input type="hidden" name="t" value="${options.freshToken}"><button type="submit">Send me a fresh confirmation email</button></form>`
      : html`<p>Enter your address on the sign-up form and we will send you a fresh confirmation link.</p><p><a href="/">Go to the sign-up form</a></p>`,
    unsubscribe: html`<p>To stop the emails, use the Unsubscribe link at the bottom of any lesson${mailto ? html`, or write to <a href="${options.mailto}">${mailto}</a> and we will take you off the list` : ''}.</p>`,
    preferences: html`<p>Please use the Preferences link at the bottom of your latest email from us.</p>`,
    data: html`<p>Open the Preferences link at the bottom of your latest email from us, and ask again: a new link arrives in your inbox.</p>`,
    helpful: html`<p>Thank you for wanting to answer. The Yes and Not really links in your latest lesson still work.</p>`,
  }[kind];
  return page(title, html`<h1>${title}</h1><div class="card">${message ? html`<p>${message}</p>` : ''}${forward}</div>`);
}

export const backToSignup = html`<p><a href="/">Go to the sign-up form</a></p>`;
