import { html, raw } from 'hono/html';
import { BREAKER_RULES } from '../core/breaker.js';
import { mostLeft, SES_LINES, type Stats } from '../services/stats.js';
import { columnChart, rateGauge } from './charts.js';
import { page } from './pages.js';

/**
 * The author's console, server-rendered (issue 13): the shell (navigation,
 * sign-out), the sign-in pages and the overview. Funnel, cohorts and the
 * reader lookup are in admin-report-pages.ts. Every chart has its figures in
 * a table too (screen readers, copy-paste).
 */
export type Section = 'overview' | 'funnel' | 'cohorts' | 'reader';
type Html = ReturnType<typeof html>;

const FOOTER = html`The author’s console of this Let Go course. Counted, not tracked: no pixels, no click redirects. <a href="/safety">Safety</a>`;
const SECTIONS: Array<[Section, string, string]> = [
  ['overview', '/admin', 'Overview'],
  ['funnel', '/admin/funnel', 'Funnel'],
  ['cohorts', '/admin/cohorts', 'Cohorts'],
  ['reader', '/admin/reader', 'Reader lookup'],
];

export const pct = (rate: number | null, digits = 0) => (rate === null || !Number.isFinite(rate) ? '–' : `${(rate * 100).toFixed(digits)}%`);
export const csrfField = (csrf: string) => html`<input type="hidden" name="csrf" value="${csrf}">`;

export function consolePage(title: string, section: Section, csrf: string, body: Html | Html[]): ReturnType<typeof page> {
  const nav = html`<nav class="admin" aria-label="Console">${SECTIONS.map(([key, href, label]) =>
    html`<a href="${href}"${key === section ? raw(' aria-current="page"') : ''}>${label}</a>`,
  )}<form method="post" action="/admin/sign-out">${csrfField(csrf)}<button class="secondary" type="submit">Sign out</button></form></nav>`;
  return page(title, html`${nav}${body}`, false, false, { admin: { footer: FOOTER } });
}

/** Signed out: ask for a link (or say how to turn the console on). */
export function signInPage(options: { configured: boolean; notice?: string; problem?: string }): ReturnType<typeof page> {
  const body = options.configured
    ? html`<h1>The author’s console</h1>${options.problem ? html`<p class="error" role="alert">${options.problem}</p>` : ''}
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
<form class="card" method="post" action="/admin/link"><p>We email a sign-in link to the author’s address. It works once, for 15 minutes.</p>
<label for="email">Your email address</label><input id="email" name="email" type="email" autocomplete="email" inputmode="email" required maxlength="254">
<button type="submit">Email me a sign-in link</button></form>`
    : html`<h1>The author’s console is off</h1><div class="card"><p>The console signs you in by email, so it needs your address first. Set <code>AUTHOR_EMAIL</code> to an address you read:</p>
<p>On your machine: <code>AUTHOR_EMAIL=you@example.com npm start</code>. Deployed: add <code>AUTHOR_EMAIL=you@example.com</code> to <code>.env.prod</code> and run <code>npm run deploy</code>.</p>
<p>Until then, <code>npm run stats</code> prints the same figures in a terminal.</p></div>`;
  return page('Author’s console', body, false, false, { admin: { footer: FOOTER } });
}

/** The emailed link's page: a button, because mail scanners open links. */
export function signInButtonPage(token: string): ReturnType<typeof page> {
  return page('Sign in', html`<h1>Sign in to the console</h1><form class="card" method="post" action="/admin/sign-in"><p>One tap and you are in, for up to 12 hours on this browser.</p>
<input type="hidden" name="t" value="${token}"><button type="submit">Sign in</button></form>`, false, false, { admin: { footer: FOOTER } });
}

function stat(value: string | number, label: string): Html {
  return html`<div class="stat"><b>${value}</b><span>${label}</span></div>`;
}

export function overviewPage(stats: Stats, csrf: string, notice?: string): ReturnType<typeof page> {
  const o = stats.overview;
  const worst = mostLeft(stats);
  const labels = stats.days.map((d) => d.day.slice(5));
  const daysTable = html`<details><summary>Sign-ups per day as a table</summary><div class="scroll" tabindex="0" role="region" aria-label="Sign-ups per day"><table><thead><tr><th scope="col">Day (UTC)</th><th scope="col">Sign-ups</th><th scope="col">Confirmed</th><th scope="col">Finished</th><th scope="col">Left</th></tr></thead>
<tbody>${stats.days.map((d) => html`<tr><th scope="row">${d.day}</th><td>${d.signups}</td><td>${d.confirmations}</td><td>${d.completions}</td><td>${d.left}</td></tr>`)}</tbody></table></div></details>`;
  return consolePage('Overview', 'overview', csrf, html`<h1>Your course</h1>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<p class="hint">The last ${stats.window.days} days (since ${stats.window.from}, UTC). Counted from what the server sees: no pixels, no click tracking.</p>
<div class="stats">${stat(o.signups, 'sign-ups')}${stat(pct(o.confirmationRate), `confirmed (${o.confirmations})`)}${stat(o.now.active, 'in the course now')}${stat(o.now.paused, 'paused now')}${stat(o.now.completed, 'finished the course')}</div>
<p>All time: ${o.allTime.signups} sign-ups, ${o.allTime.confirmations} confirmed (${pct(o.allTime.confirmationRate)}), ${o.allTime.completions} finished. ${worst ? html`Most readers who left did so on <a href="/admin/funnel#day-${worst.day}">day ${worst.day}</a> (${worst.left.total}).` : 'Nobody has left the course.'}</p>
<section class="card gap"><h2>Sign-ups and confirmations</h2>
${columnChart(`Sign-ups and confirmations per day over the last ${stats.window.days} days: ${o.signups} sign-ups, ${o.confirmations} confirmed.`, labels, [
    { name: 'sign-ups', values: stats.days.map((d) => d.signups), className: 'alt' },
    { name: 'confirmed', values: stats.days.map((d) => d.confirmations), className: 'bar' },
  ])}${daysTable}</section>
${healthSection(stats, csrf)}`);
}

function healthSection(stats: Stats, csrf: string): Html {
  const health = stats.health;
  if (!health) return html``;
  const { recent, breaker } = { recent: health.recent, breaker: health.breaker };
  const rate = (n: number) => (recent.sends > 0 ? n / recent.sends : 0);
  const rows: Array<[string, number, number, string, number, number]> = [
    ['Bounces on lessons', recent.lessonBounces, rate(recent.lessonBounces), `${pct(BREAKER_RULES.maxBounceRate)} and ${BREAKER_RULES.minBounces}`, SES_LINES.bounce.review, SES_LINES.bounce.pause],
    ['Complaints on lessons', recent.lessonComplaints, rate(recent.lessonComplaints), `${pct(BREAKER_RULES.maxComplaintRate, 1)} and ${BREAKER_RULES.minComplaints}`, SES_LINES.complaint.review, SES_LINES.complaint.pause],
    ['All bounces (as SES counts)', recent.lessonBounces + recent.otherBounces, rate(recent.lessonBounces + recent.otherBounces), '–', SES_LINES.bounce.review, SES_LINES.bounce.pause],
    ['All complaints (as SES counts)', recent.lessonComplaints + recent.otherComplaints, rate(recent.lessonComplaints + recent.otherComplaints), '–', SES_LINES.complaint.review, SES_LINES.complaint.pause],
  ];
  const state = breaker.state === 'open'
    ? html`<div class="warn" role="status"><p><b>Sending is paused</b> since ${breaker.openedAt ?? 'a while'}: ${breaker.reason ?? 'bounces or complaints'}.</p>
<p>Find and fix the cause first (who signed up, which lesson was complained about), then resume.</p>
<form method="post" action="/admin/resume">${csrfField(csrf)}<button type="submit">Resume sending</button></form></div>`
    : html`<p><b>Sending is on.</b>${health.warnings.length ? '' : ' Nothing near a line.'}</p>${health.warnings.map((w) => html`<p class="warn">${w.message}</p>`)}`;
  return html`<section class="card gap"><h2>List health, last 7 days</h2>${state}<p class="hint">${recent.sends} emails handed to SES. Our breaker stops the lessons past its line; SES reviews an account past its review line and may pause it past the next.</p>
${rateGauge(`Bounces on lessons: ${pct(rows[0]?.[2] ?? 0, 2)}`, rows[0]?.[2] ?? 0, [{ name: `our breaker and SES’s review at ${pct(SES_LINES.bounce.review)}`, at: SES_LINES.bounce.review }, { name: `SES may pause at ${pct(SES_LINES.bounce.pause)}`, at: SES_LINES.bounce.pause }])}
${rateGauge(`Complaints on lessons: ${pct(rows[1]?.[2] ?? 0, 2)}`, rows[1]?.[2] ?? 0, [{ name: `our breaker and SES’s review at ${pct(SES_LINES.complaint.review, 1)}`, at: SES_LINES.complaint.review }, { name: `SES may pause at ${pct(SES_LINES.complaint.pause, 1)}`, at: SES_LINES.complaint.pause }])}
<div class="scroll" tabindex="0" role="region" aria-label="List health figures"><table><thead><tr><th scope="col">Last 7 days</th><th scope="col">Count</th><th scope="col">Rate</th><th scope="col">Our breaker stops past</th><th scope="col">SES reviews past</th><th scope="col">SES may pause past</th></tr></thead>
<tbody>${rows.map(([name, count, r, ours, review, pause]) => html`<tr><th scope="row">${name}</th><td>${count}</td><td>${pct(r, 2)}</td><td>${ours}</td><td>${pct(review, 1)}</td><td>${pct(pause, 1)}</td></tr>`)}</tbody></table></div></section>`;
}
