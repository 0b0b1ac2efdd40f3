import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { DateTime } from 'luxon';
import type { MailboxEmail } from './mailbox-file.js';

/**
 * The local mailbox's pages: an inbox list and one page per email, phone first. Each email
 * shows when it was sent on the simulated clock (its Date header), in the reader's own
 * time zone, which is what the course's schedule is about; and when it arrived, in real time.
 */
export type MailView = { email: MailboxEmail; zone?: string };
type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const CSS = `:root{color-scheme:light dark;--fg:#1f2933;--bg:#f7f4ef;--muted:#4a5561;--card:#fff;--line:#c9d1cc;--accent:#2b5a4c}
@media (prefers-color-scheme:dark){:root{--fg:#ece7df;--bg:#161819;--muted:#b4bcc4;--card:#222629;--line:#4a5257;--accent:#8fd3bd}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:48rem;margin:0 auto;padding:1rem .75rem 3rem}h1{font-size:1.4rem;line-height:1.25;margin:.5rem 0 .75rem;overflow-wrap:anywhere}
a{color:var(--accent)}.muted{color:var(--muted);font-size:.9rem}ul{list-style:none;margin:0;padding:0}
li a{display:block;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.75rem .9rem;margin:.5rem 0;color:var(--fg);text-decoration:none;min-height:48px}
li strong{display:block;overflow-wrap:anywhere}.when{color:var(--accent);font-weight:600}
dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem .75rem;margin:0 0 1rem}dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
iframe{display:block;width:100%;height:70vh;border:1px solid var(--line);border-radius:10px;background:#fff}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.9rem;font:14px/1.5 ui-monospace,monospace}
button{font:inherit;min-height:44px;padding:.5rem 1rem;border-radius:8px;border:1px solid var(--muted);background:transparent;color:var(--fg)}
.bar{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}`;

function page(title: string, body: Html, script?: { code: string; data: Record<string, string> }): Html {
  const data = Object.entries(script?.data ?? {}).map(([key, value]) => html` data-${key}="${value}"`);
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${title} · local mailbox</title><style>${raw(CSS)}</style></head>
<body${data}><main>${body}</main>${script ? html`<script>${raw(script.code)}</script>` : ''}</body></html>`;
}

const FORMAT = 'ccc d LLL yyyy, HH:mm';

/** "Tue 1 Dec 2026, 08:00 in Europe/Berlin": the simulated send time where the reader lives. */
export function sentWhen({ email, zone }: MailView): string {
  if (!email.sentAt) return 'send time not recorded';
  const at = DateTime.fromISO(email.sentAt);
  const local = zone ? at.setZone(zone) : at;
  if (!zone || !local.isValid) return `${at.toUTC().toFormat(FORMAT)} UTC (no reader record, so UTC)`;
  return `${local.toFormat(FORMAT)} in ${zone}`;
}

const arrived = (email: MailboxEmail) => DateTime.fromSeconds(email.at).toFormat(`${FORMAT}:ss`);
const recipients = (email: MailboxEmail) => email.destination.to.join(', ');

// New mail reloads the list; `since` (real seconds) keeps each poll down to the newest emails.
const POLL = `(function(){var b=document.body,known=JSON.parse(b.dataset.ids),since=b.dataset.since;
setInterval(function(){fetch('/store?since='+since).then(function(r){return r.json()}).then(function(s){
if(s.emails.some(function(e){return known.indexOf(e.messageId)<0}))location.reload()}).catch(function(){})},2000)})()`;

export function listPage(views: MailView[], keptIn: string): Html {
  const since = views.reduce((latest, { email }) => Math.max(latest, email.at), 0);
  const list = [...views].reverse().map(
    (view) => html`<li><a href="/email/${encodeURIComponent(view.email.messageId)}"><strong>${view.email.subject}</strong>
<span class="when">${sentWhen(view)}</span><br><span class="muted">to ${recipients(view.email)}</span></a></li>`,
  );
  const body = html`<div class="bar"><h1>Local mailbox</h1>
<form method="post" action="/clear-store" onsubmit="return confirm('Empty the mailbox? Its emails are gone for good.')"><button>Empty the mailbox</button></form></div>
<p class="muted">Every email the local stack sends lands here, newest first; nothing leaves your machine. Times are the
simulated clock, in each reader's time zone. Kept in ${keptIn} across restarts; the JSON is at <a href="/store">GET /store</a>.</p>
${views.length ? html`<ul>${list}</ul>` : html`<p>No mail yet. Sign up on the form and the confirmation lands here.</p>`}`;
  const ids = JSON.stringify(views.map((view) => view.email.messageId));
  return page(`${views.length} emails`, body, { code: POLL, data: { ids, since: String(since) } });
}

/** Links in the email open in the whole window: the app's pages refuse to be framed. */
const framed = (emailHtml: string) =>
  /<head[^>]*>/i.test(emailHtml) ? emailHtml.replace(/<head[^>]*>/i, (head) => `${head}<base target="_top">`) : `<base target="_top">${emailHtml}`;

/** The text part with its links made tappable. */
function linkedText(text: string): Html {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/);
  return html`${parts.map((part, i) => (i % 2 ? html`<a href="${part}">${part}</a>` : html`${part}`))}`;
}

// The frame grows to its content, so the page scrolls once, as a phone's mail app does.
const FIT = `(function(){var f=document.querySelector('iframe');if(!f)return;function fit(){try{f.style.height=(f.contentDocument.documentElement.scrollHeight+2)+'px'}catch(e){}}
f.addEventListener('load',fit);window.addEventListener('resize',fit)})()`;

export function emailPage(view: MailView): Html {
  const { email } = view;
  const row = (label: string, value: string | undefined) => (value ? html`<dt>${label}</dt><dd>${value}</dd>` : '');
  const body = html`<p><a href="/">← All mail</a></p><h1>${email.subject}</h1>
<dl>${row('From', email.from)}${row('To', recipients(email))}${row('Reply to', email.replyTo.join(', '))}
${row('Sent (simulated clock)', sentWhen(view))}${row('Arrived', `${arrived(email)} (real time)`)}</dl>
${email.body.html
  ? html`<iframe title="The email as a mail app shows it" sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" srcdoc="${framed(email.body.html)}"></iframe>`
  : ''}
${email.body.text ? html`<h2>Plain-text part</h2><pre>${linkedText(email.body.text)}</pre>` : ''}`;
  return page(email.subject, body, { code: FIT, data: {} });
}

export function missingPage(): Html {
  return page('Not here', html`<p><a href="/">← All mail</a></p><h1>That email is not in the mailbox</h1><p>The mailbox may have been emptied since.</p>`);
}
