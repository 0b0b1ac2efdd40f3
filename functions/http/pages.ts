import { createHash } from 'node:crypto';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/**
 * Server-rendered pages: no external assets, one inline stylesheet and one
 * inline script whose hashes are the only ones the CSP allows.
 */
const CSS = `:root{color-scheme:light dark;--fg:#1f2933;--bg:#faf7f2;--muted:#52606d;--accent:#2f5d50;--card:#fff;--err:#9b1c1c}
@media (prefers-color-scheme:dark){:root{--fg:#e6e1d8;--bg:#1b1d1f;--muted:#b0b8c1;--accent:#8fd3bd;--card:#25282b;--err:#ffb4b4}}
*{box-sizing:border-box}body{margin:0;font:17px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:34rem;margin:0 auto;padding:1.5rem 1rem 3rem}h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}
.card{background:var(--card);border-radius:12px;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
label{display:block;font-weight:600;margin:1rem 0 .25rem}input,select{width:100%;font:inherit;padding:.7rem;border:1px solid var(--muted);border-radius:8px;background:var(--bg);color:var(--fg)}
button{display:block;width:100%;margin-top:1.25rem;padding:.85rem;font:inherit;font-weight:700;border:0;border-radius:8px;background:var(--accent);color:var(--bg);cursor:pointer}
button.secondary{background:transparent;color:var(--accent);border:2px solid var(--accent)}
.hint{color:var(--muted);font-size:.9rem;margin:.25rem 0 0}.error{color:var(--err);font-weight:600;margin:.25rem 0 0}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}a{color:var(--accent)}footer{color:var(--muted);font-size:.85rem;margin-top:2rem}.gap{margin-top:1rem}`;
const TZ_SCRIPT = `try{var z=Intl.DateTimeFormat().resolvedOptions().timeZone;var f=document.getElementById('timezone');if(z&&f)f.value=z}catch(e){}`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${sha256(CSS)}`,
  `script-src ${sha256(TZ_SCRIPT)}`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function page(title: string, body: Html, withScript = false): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${title} · Let Go</title><style>${raw(CSS)}</style></head>
<body><main>${body}<footer>Let Go · a 21-day email course for the weeks after a breakup</footer></main>
${withScript ? html`<script>${raw(TZ_SCRIPT)}</script>` : ''}</body></html>`;
}

export type SignupForm = { email?: string; first_name?: string; send_hour?: string; timezone?: string };

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

function fieldError(errors: Record<string, string>, name: string): Html | string {
  return errors[name] ? html`<p class="error" id="${name}-error">${errors[name]}</p>` : '';
}

function describedBy(errors: Record<string, string>, name: string, hint?: string): string {
  return [errors[name] ? `${name}-error` : '', hint ?? ''].filter(Boolean).join(' ');
}

export function signupPage(values: SignupForm = {}, errors: Record<string, string> = {}): Html {
  const hour = values.send_hour ?? '8';
  return page(
    'Join the 21-day course',
    html`<h1>Let go, one day at a time</h1>
<p>Twenty-one short emails, one each morning, to help you through three weeks of no contact and back to yourself.</p>
<form class="card" method="post" action="/subscribe" novalidate>
${Object.keys(errors).length ? html`<p class="error" role="alert">Please fix the fields marked below.</p>` : ''}
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="${values.email ?? ''}" aria-describedby="${describedBy(errors, 'email')}" ${errors.email ? raw('aria-invalid="true"') : ''}>
${fieldError(errors, 'email')}
<label for="first_name">First name <span class="hint">(optional)</span></label>
<input id="first_name" name="first_name" autocomplete="given-name" maxlength="60" value="${values.first_name ?? ''}" aria-describedby="${describedBy(errors, 'first_name')}">
${fieldError(errors, 'first_name')}
<label for="send_hour">Send my lesson at</label>
<select id="send_hour" name="send_hour" aria-describedby="${describedBy(errors, 'send_hour', 'hour-hint')}">
${HOURS.map((h) => html`<option value="${h}" ${String(h) === hour ? 'selected' : ''}>${String(h).padStart(2, '0')}:00</option>`)}
</select><p class="hint" id="hour-hint">In your own time zone.</p>${fieldError(errors, 'send_hour')}
<input type="hidden" id="timezone" name="timezone" value="${values.timezone ?? 'UTC'}">${fieldError(errors, 'timezone')}
<div class="hp" aria-hidden="true"><label for="website">Leave this empty</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
<input type="hidden" name="form_version" value="1">
<button type="submit">Start the course</button>
<p class="hint">We'll email you a link to confirm. Unsubscribe from any email, in one tap.</p>
</form>`,
    true,
  );
}

export function messagePage(title: string, message: string, extra: Html | string = ''): Html {
  return page(title, html`<h1>${title}</h1><div class="card"><p>${message}</p>${extra}</div>`);
}

export function actionPage(title: string, message: string, action: string, token: string, button: string): Html {
  return page(
    title,
    html`<h1>${title}</h1><form class="card" method="post" action="${action}"><p>${message}</p>
<input type="hidden" name="t" value="${token}"><button type="submit">${button}</button></form>`,
  );
}

export const backToSignup = html`<p><a href="/">Go to the sign-up form</a></p>`;
