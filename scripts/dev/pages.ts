// The dev server's two pages: the course (every email, its figures and findings) and one email
// (at 375 and 600 px, in dark mode, its text part, a lock-screen mock, its findings, a test send).
import type { EmailReport } from '../lint/lint-course.js';
import type { DevState } from './builder.js';
import { darkCopy } from './dark.js';
import { devPage, e, findingList, statusBanner } from './page-frame.js';

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const counts = (r: EmailReport) => {
  const errors = r.findings.filter((f) => f.level === 'error').length;
  const warnings = r.findings.length - errors;
  return `${errors ? `<span class="error">${errors} ${errors === 1 ? 'error' : 'errors'}</span>` : ''}${errors && warnings ? ', ' : ''}${warnings ? `<span class="warning">${warnings} ${warnings === 1 ? 'warning' : 'warnings'}</span>` : ''}${errors || warnings ? '' : '<span class="muted">none</span>'}`;
};
const spamLine = (r: EmailReport) => [
  r.spam?.spamassassin && `SpamAssassin ${r.spam.spamassassin.total.toFixed(2)}`, r.spam?.rspamd && `rspamd ${r.spam.rspamd.total.toFixed(2)}`,
].filter(Boolean).join(' · ');

export function coursePage(state: DevState): string {
  const report = state.report;
  const rows = (report?.emails ?? []).map((r) => `<tr>
<th scope="row"><a href="/email/${e(r.item.id)}">${e(r.item.label)}</a></th>
<td><strong>${e(r.item.email.subject)}</strong><br><span class="muted">${e(r.item.email.preheader)}</span></td>
<td>${r.figures.words === undefined ? '' : `${r.figures.words} words, ${r.figures.readingMinutes} min`}</td>
<td>${kb(r.figures.htmlBytes)}</td><td>${e(spamLine(r))}</td><td>${counts(r)}</td></tr>`).join('\n');
  return devPage('The course', state, `${statusBanner(state)}
<h1>${report?.course ? `The course: ${report.course.totalDays} lessons, ${report.emails.length} emails` : 'The course'}</h1>
<section data-part="course"><h2>Whole course</h2>${findingList(report?.findings ?? [])}
${(report?.skipped ?? []).map((s) => `<p class="muted">Skipped: ${e(s)}</p>`).join('')}</section>
<table data-part="emails"><thead><tr><th scope="col">Email</th><th scope="col">Subject and preheader</th><th scope="col">Reading</th>
<th scope="col">HTML</th><th scope="col">Spam</th><th scope="col">Findings</th></tr></thead><tbody>
${rows}
</tbody></table>`);
}

/** As a phone shows a notification: the sender, the subject on one line, the preheader cut short. */
function lockScreen(sender: string, r: EmailReport): string {
  const { subject, preheader } = r.item.email;
  return `<section class="phones" data-part="lock" aria-label="Lock screen">
<figure><figcaption>iPhone lock screen</figcaption><div class="phone ios"><div class="note">
<p class="app"><span>Mail</span><span class="when">now</span></p><p class="from one">${e(sender)}</p>
<p class="subject one">${e(subject)}</p><p class="pre two">${e(preheader)}</p></div></div></figure>
<figure><figcaption>Android notification</figcaption><div class="phone android"><div class="note">
<p class="app"><span>Gmail</span><span>·</span><span class="one">${e(sender)}</span><span class="when">now</span></p>
<p class="subject one"><strong>${e(subject)}</strong></p><p class="pre one">${e(preheader)}</p></div></div></figure></section>`;
}

export type SendView = { token: string; to: string; notice?: string; problem?: string; available: boolean };

function sendForm(r: EmailReport, view: SendView): string {
  const said = view.problem ? `<p class="error" role="alert">${e(view.problem)}</p>` : view.notice ? `<p role="status">${e(view.notice)}</p>` : '';
  return `<section data-part="send"><h2>Send a test</h2>
<p class="muted">Exactly as production builds it (real tokens for a sample reader, List-Unsubscribe, Reply-To), to the running local stack's mailbox${view.available ? '' : ' (none is running now: start one with npm start)'}.</p>
<form class="send" method="post" action="/send-test"><input type="hidden" name="id" value="${e(r.item.id)}"><input type="hidden" name="token" value="${e(view.token)}">
<label for="to">To</label><input id="to" name="to" type="email" required value="${e(view.to)}"><button type="submit">Send to the local mailbox</button></form>${said}</section>`;
}

export function emailPage(state: DevState, r: EmailReport, sender: string, send: SendView): string {
  const list = state.report?.emails ?? [];
  const i = list.indexOf(r);
  const nav = [list[i - 1] && `<a href="/email/${e(list[i - 1]?.item.id ?? '')}">← ${e(list[i - 1]?.item.label ?? '')}</a>`,
    '<a href="/">All emails</a>', list[i + 1] && `<a href="/email/${e(list[i + 1]?.item.id ?? '')}">${e(list[i + 1]?.item.label ?? '')} →</a>`].filter(Boolean).join(' · ');
  const f = r.figures;
  const figures = [`subject ${f.subjectLength} characters`, `preheader ${f.preheaderLength}`,
    ...(f.words === undefined ? [] : [`${f.words} words, about ${f.readingMinutes} min to read`]), `HTML ${kb(f.htmlBytes)} (Gmail clips at 102 KB)`,
    spamLine(r) || (state.scoring ? 'spam scores coming' : 'no spam scores (no filter running)')];
  const dark = darkCopy(r.sent.html);
  const frame = (part: string, width: number, caption: string, srcdoc: string) =>
    `<figure><figcaption>${e(caption)}</figcaption><iframe data-part="${part}" title="${e(caption)}" width="${width}" sandbox="allow-same-origin" srcdoc="${e(srcdoc)}"></iframe></figure>`;
  return devPage(r.item.label, state, `${statusBanner(state)}
<p data-part="nav">${nav}</p>
<h1 data-part="title">${e(r.item.label)}: ${e(r.item.email.subject)}</h1>
<p class="muted" data-part="figures">${e(r.home.file)} · ${figures.map(e).join(' · ')}</p>
${findingList(r.findings, 'findings')}
<h2>On a lock screen</h2>${lockScreen(sender, r)}
<h2>The email</h2><div class="frames">
${frame('phone', 375, 'Phone, 375 px', r.sent.html)}
${frame('desktop', 600, 'Desktop, 600 px', r.sent.html)}
${dark ? frame('dark', 375, 'Dark mode, 375 px (its own dark CSS, always on)', dark) : '<p class="muted" data-part="dark">No dark-mode CSS: mail apps darken it their own way.</p>'}
</div>
<h2>The plain-text part</h2><pre data-part="text">${e(r.sent.text)}</pre>
${sendForm(r, send)}`);
}

export function missingPage(state: DevState, id: string): string {
  return devPage('Not found', state, `${statusBanner(state)}<h1 data-part="title">No email "${e(id)}" in the last build</h1><p data-part="nav"><a href="/">All emails</a></p>`);
}
