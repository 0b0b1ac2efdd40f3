import { DateTime } from 'luxon';
import { tripReason } from '../core/breaker.js';
import { isoWeek, type Tally } from '../core/counters.js';
import { sendAuthorMail, type AuthorMailDeps } from './author-mail.js';
import type { ServiceDeps } from './deps.js';
import { mostLeft, readStats, type Stats, type StatsDeps } from './stats.js';

/**
 * The author hears without looking (issue 13): the weekly digest (Mondays,
 * from DIGEST_HOUR in AUTHOR_TIMEZONE) and an alert when a lesson loses
 * readers at twice the course's rate (over at least 20 sends) or bounces or
 * complaints reach half the breaker's lines. The drip cron asks once a run:
 * one read of two or three marker items; the figures themselves are read at
 * most once an hour (and for the digest, once a week). Sent
 * straight from the drip, not through the outbox: no reader waits on it, and
 * the next minute's run is its retry until the marker says it went (a crash
 * between the send and the marker can send it twice; nothing can lose it).
 * At most one alert a day, and the same alert not twice in a week.
 */
export type AuthorCheckDeps = AuthorMailDeps & StatsDeps & Pick<ServiceDeps, 'course'>;
export type AuthorCheck = { digest?: 'sent'; alert?: string; checked: boolean };

export const ALERT_MIN_SENDS = 20;
const marker = (name: string): Tally => new Map([[`mail:${name}`, { sent: 1 }]]);

export async function checkAuthorMail(deps: AuthorCheckDeps): Promise<AuthorCheck> {
  const author = deps.config.author;
  if (!author) return { checked: false };
  const now = deps.clock.now();
  const local = DateTime.fromJSDate(now, { zone: author.timezone });
  const digestDue = author.digestHour !== undefined && local.weekday === 1 && local.hour >= author.digestHour;
  const keys = {
    digest: `mail:digest:${local.toISOWeekDate()?.slice(0, 8) ?? isoWeek(now)}`,
    alertToday: `mail:alert:${now.toISOString().slice(0, 10)}`,
    alertHour: `mail:alert-check:${now.toISOString().slice(0, 13)}`,
  };
  const markers = await deps.counters.read(digestDue ? Object.values(keys) : [keys.alertToday, keys.alertHour]);
  const done = (key: string) => (markers.get(key)?.sent ?? 0) > 0;
  const result: AuthorCheck = { checked: true };
  const alertDue = !done(keys.alertToday) && !done(keys.alertHour);
  if ((!digestDue || done(keys.digest)) && !alertDue) return result;

  const { digest, alert } = deps.course;
  if (!digest || !alert) throw new Error('this bundle carries no digest or alert email (the drip has them)');
  const stats = await readStats(deps, { days: 7, weeks: 4 });
  if (digestDue && !done(keys.digest)) {
    await sendAuthorMail(deps, digest, digestLines(stats, deps.config.baseUrl));
    await deps.counters.add(marker(keys.digest.slice('mail:'.length)));
    result.digest = 'sent';
  }
  if (alertDue) {
    await deps.counters.add(marker(keys.alertHour.slice('mail:'.length)));
    const found = alertFor(stats);
    const weekly = found && `mail:alert-${found.key}:${isoWeek(now)}`;
    if (found && weekly && !(await deps.counters.read([weekly])).has(weekly)) {
      await sendAuthorMail(deps, alert, { alertText: found.text, consoleUrl: `${deps.config.baseUrl}/admin` });
      await deps.counters.add(new Map([...marker(keys.alertToday.slice('mail:'.length)), ...marker(weekly.slice('mail:'.length))]));
      result.alert = found.key;
    }
  }
  return result;
}

const pct = (part: number, whole: number) => `${Math.round((part / Math.max(1, whole)) * 100)}%`;

/** What the alert would say now, if anything: a lesson losing readers, or feedback near the breaker's lines. */
export function alertFor(stats: Stats): { key: string; text: string } | undefined {
  const health = stats.health;
  const near = health && tripReason(health.recent, 0.5);
  if (near) return { key: 'health', text: `Bounces or complaints on lessons reached half of the breaker’s line: ${near}. The breaker stops the lessons at the full line.` };
  const reached = stats.funnel.reduce((sum, row) => sum + row.reached, 0);
  const unsubscribed = stats.funnel.reduce((sum, row) => sum + row.left.unsubscribed, 0);
  if (reached === 0 || unsubscribed === 0) return undefined;
  const average = unsubscribed / reached;
  const worst = stats.funnel
    .filter((row) => row.sent >= ALERT_MIN_SENDS && row.reached > 0 && row.left.unsubscribed / row.reached >= 2 * average)
    .sort((a, b) => b.left.unsubscribed / b.reached - a.left.unsubscribed / a.reached)[0];
  if (!worst) return undefined;
  return {
    key: `lesson-${worst.day}`,
    text: `Day ${worst.day} (“${worst.subject}”) lost ${worst.left.unsubscribed} of the ${worst.reached} readers it reached to unsubscribing (${pct(worst.left.unsubscribed, worst.reached)}), at least twice the course’s average (${pct(unsubscribed, reached)}).`,
  };
}

/** The digest's lines, in words (the template lays them out). */
export function digestLines(stats: Stats, baseUrl: string) {
  const o = stats.overview;
  const worst = mostLeft(stats);
  const voted = stats.funnel.filter((row) => row.yes + row.no >= 3);
  const best = [...voted].sort((a, b) => b.yes / (b.yes + b.no) - a.yes / (a.yes + a.no))[0];
  const low = [...voted].sort((a, b) => b.no / (b.yes + b.no) - a.no / (a.yes + a.no))[0];
  const comment = stats.funnel.flatMap((row) => row.comments).sort((a, b) => b.at.localeCompare(a.at))[0];
  const health = stats.health;
  const feedback = health ? health.recent.lessonBounces + health.recent.otherBounces : 0;
  const complaints = health ? health.recent.lessonComplaints + health.recent.otherComplaints : 0;
  return {
    digestPeriod: `The 7 days to ${stats.at.slice(0, 10)} (UTC).`,
    digestReaders: `${o.signups} signed up and ${o.confirmations} confirmed (${o.signups ? pct(o.confirmations, o.signups) : 'none yet'}). ${o.completions} finished the course. ${o.now.active} ${o.now.active === 1 ? 'is' : 'are'} in the course now, ${o.now.paused} on a break.`,
    digestLeft: worst ? `Most readers who left did so on day ${worst.day} (${worst.left.total} of the ${worst.reached} it reached, all time).` : 'Nobody has left the course so far.',
    digestHelpful: best && low
      ? `Day ${best.day} had the most “yes” (${best.yes} of ${best.yes + best.no}); day ${low.day} the most “not really” (${low.no} of ${low.yes + low.no}).${comment ? ` The latest comment, on day ${comment.day}: “${comment.comment.slice(0, 200)}”` : ''}`
      : `Too few answers yet to “Was today’s step helpful?” to say which lessons help most.${comment ? ` The latest comment, on day ${comment.day}: “${comment.comment.slice(0, 200)}”` : ''}`,
    digestHealth: !health ? 'No figures.'
      : health.breaker.state === 'open' ? `Sending is paused: ${health.breaker.reason}. Resume it from the console once the cause is fixed.`
      : `${feedback} bounces and ${complaints} complaints in ${health.recent.sends} emails over 7 days. ${health.warnings.length ? health.warnings.map((w) => w.message).join(' ') : 'Sending is on.'}`,
    consoleUrl: `${baseUrl}/admin`,
  };
}

