import { html } from 'hono/html';
import type { ReaderView } from '../services/reader-lookup.js';
import type { Stats } from '../services/stats.js';
import { consolePage, csrfField, pct } from './admin-pages.js';
import { barRows, heatGrid } from './charts.js';

/** The console's funnel, cohorts and reader lookup (the shell and the overview: admin-pages.ts). */
const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

export function funnelPage(stats: Stats, csrf: string): ReturnType<typeof consolePage> {
  const rows = stats.funnel;
  const commented = rows.filter((row) => row.comments.length > 0);
  return consolePage('Funnel', 'funnel', csrf, html`<h1>Where readers leave</h1>
<p class="hint">Every lesson: the readers it reached (each once, all time), and how many left the course there: by unsubscribing, a bounce, a complaint or deleting their data. “Paused” and “restarted” are readers who took a break, or began again from day 1, after that lesson.</p>
<p><a href="/admin/funnel.csv" download>Download the funnel as CSV</a></p>
<section class="card gap"><h2>Readers reached, and who left there</h2>
${barRows(`Readers reached per lesson, with those who left there marked: ${rows.map((r) => `day ${r.day} ${r.reached} reached, ${r.left.total} left`).join('; ')}.`, rows.map((r) => ({ name: `Day ${r.day}`, total: r.reached, part: r.left.total })), 'left there')}
<div class="scroll" tabindex="0" role="region" aria-label="The funnel, lesson by lesson"><table><caption>The funnel, lesson by lesson</caption><thead><tr><th scope="col">Lesson</th><th scope="col">Reached</th><th scope="col">Left here</th><th scope="col"><abbr title="unsubscribed">Unsub.</abbr></th><th scope="col">Bounced</th><th scope="col"><abbr title="complained">Compl.</abbr></th><th scope="col">Deleted</th><th scope="col">Paused</th><th scope="col">Restarted</th><th scope="col">Helpful</th><th scope="col">Not really</th></tr></thead>
<tbody>${rows.map((r) => html`<tr id="day-${r.day}"><th scope="row" class="lesson">${r.day}. ${r.subject}</th><td>${r.reached}</td><td>${r.left.total} <span class="hint">${pct(share(r.left.total, r.reached))}</span></td><td>${r.left.unsubscribed}</td><td>${r.left.bounced}</td><td>${r.left.complained}</td><td>${r.left.deleted}</td><td>${r.paused}</td><td>${r.restarted}</td><td>${r.yes}</td><td>${r.no}</td></tr>`)}</tbody></table></div></section>
<section class="card gap"><h2>Latest comments</h2>${commented.length === 0
    ? html`<p>No comments yet. Each lesson asks “Was today’s step helpful?”; readers can add a few words.</p>`
    : commented.map((row) => html`<h3>Day ${row.day}. ${row.subject}</h3>${row.comments.map((c) => html`<blockquote><p>${c.comment}</p><p class="hint">${c.choice === 'yes' ? 'Helpful' : 'Not really'}, ${c.at.slice(0, 10)}</p></blockquote>`)}`)}
</section>`);
}

export function cohortsPage(stats: Stats, csrf: string): ReturnType<typeof consolePage> {
  const lessons = stats.funnel.map((r) => r.day);
  const cohorts = stats.cohorts;
  return consolePage('Cohorts', 'cohorts', csrf, html`<h1>Cohorts</h1>
<p class="hint">Readers by the ISO week they confirmed in (UTC), and the share of them who have reached each lesson so far. A recent week has not had the time to reach the end.</p>
<p><a href="/admin/cohorts.csv" download>Download the cohorts as CSV</a></p>
<section class="card gap"><h2>Share of each week’s readers who reached each lesson</h2>
${heatGrid(`Share of readers reaching each lesson, per sign-up week: ${cohorts.map((c) => `${c.week}, ${c.confirmed} readers, ${pct(share(c.reached.at(-1) ?? 0, c.confirmed))} reached the last lesson`).join('; ')}.`,
    cohorts.map((c) => ({ name: c.week, shares: c.reached.map((n) => (c.confirmed > 0 ? Math.min(1, n / c.confirmed) : null)) })), lessons.length)}
<div class="scroll" tabindex="0" role="region" aria-label="Share reaching each lesson"><table><caption>Share reaching each lesson</caption><thead><tr><th scope="col">Week</th><th scope="col">Readers</th>${lessons.map((day) => html`<th scope="col">${day}</th>`)}</tr></thead>
<tbody>${cohorts.map((c) => html`<tr><th scope="row">${c.week}</th><td>${c.confirmed}</td>${c.reached.map((n) => html`<td>${pct(share(n, c.confirmed))}</td>`)}</tr>`)}</tbody></table></div></section>`);
}

export function readerPage(csrf: string, typed = '', view?: ReaderView): ReturnType<typeof consolePage> {
  return consolePage('Reader lookup', 'reader', csrf, html`<h1>Reader lookup</h1>
<p class="hint">One address at a time, matched exactly: there is no search and no list. Each lookup is logged (with the address masked).</p>
<form class="card row-form" method="post" action="/admin/reader">${csrfField(csrf)}<label for="email">Email address<input id="email" name="email" type="email" required maxlength="254" value="${typed}" autocomplete="off"></label><button type="submit">Look up</button></form>
${view ? result(view) : ''}`);
}

function result(view: ReaderView) {
  if (view.found === 'none') return html`<p class="card gap" role="status">No reader with exactly this address. Check the spelling; nothing is matched loosely.</p>`;
  if (view.found === 'reduced') {
    return html`<p class="card gap" role="status">This address left (${view.status}, ${view.at.slice(0, 10)}: ${view.reason}). Its record was reduced to what keeps it from being mailed again; nothing else is held.</p>`;
  }
  const { sub } = view;
  const zone = sub.timezone;
  return html`<section class="card gap" aria-live="polite"><h2>${sub.status === 'active' ? 'In the course' : sub.status}</h2>
<p>Lessons at ${String(sub.sendHour).padStart(2, '0')}:00, ${zone}. Signed up ${sub.createdAt.slice(0, 10)}${sub.confirmedAt ? html`, confirmed ${sub.confirmedAt.slice(0, 10)}` : ', not confirmed yet'}.</p>
${view.next ? html`<p>Next: day ${view.next.day}, due ${view.next.at.local} (${view.next.at.utc}).</p>` : ''}
${sub.pausedUntil ? html`<p>Paused until ${sub.pausedUntil}.</p>` : ''}${sub.left ? html`<p>Left on day ${sub.left.day} (${sub.left.by}), ${sub.left.at}.</p>` : ''}
${sub.suppressedReason ? html`<p>Not mailed any more: ${sub.suppressedReason}.</p>` : ''}
<div class="scroll" tabindex="0" role="region" aria-label="Lessons sent to this reader"><table><caption>Every lesson SES accepted (${view.sends.length})</caption><thead><tr><th scope="col">Day</th><th scope="col">Sent (their time, then UTC)</th><th scope="col">SES MessageId</th></tr></thead>
<tbody>${view.sends.map((s) => html`<tr><th scope="row">${s.day}</th><td class="text">${s.at.local}<br><span class="hint">${s.at.utc}</span></td><td class="text id"><code>${s.messageId}</code></td></tr>`)}</tbody></table></div>
${view.restarts.length ? html`<h3>Restarts</h3><ul>${view.restarts.map((r) => html`<li>${r.at.local}: back to day 1 (was on day ${r.fromDay})</li>`)}</ul>` : ''}
${view.pauses.length ? html`<h3>Pauses</h3><ul>${view.pauses.map((p) => html`<li>${p.at.local}, after day ${p.day}, until ${p.until.local}</li>`)}</ul>` : ''}
</section>`;
}
