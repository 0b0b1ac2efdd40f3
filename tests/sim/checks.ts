import { DateTime } from 'luxon';
import { MIN_GAP_MS } from '../../functions/core/schedule.js';
import type { Delivery } from './ledger.js';
import { PAUSE_DAYS } from '../../functions/core/preferences.js';
import { DAY_MS } from './plans.js';
import type { runScenario } from './scenario.js';

type Result = Awaited<ReturnType<typeof runScenario>>;

/**
 * Every reader's mailbox against the rules of DESIGN.md. Returns what broke
 * (empty when all holds) and the figures the test reports.
 */
export function checkReaders(result: Result) {
  const violations: string[] = [];
  const fail = (email: string, what: string) => violations.push(`${email}: ${what}`);
  const byReader = groupBy(result.ledger.deliveries, (d) => d.to);
  const actionsOf = groupBy(result.applied, (a) => a.email);
  const exemptions = { confirmationDay: 0, latePastMidnight: 0, movedHour: 0 };
  const lateness: number[] = [];
  let duplicates = 0;
  let inFlightWhenLeaving = 0;

  result.plans.forEach((plan, i) => {
    const { email } = plan;
    const record = result.records[i];
    const mine = byReader.get(email) ?? [];
    const actions = actionsOf.get(email) ?? [];
    const firsts = mine.filter((d) => d.lateMs !== undefined);
    const dupes = mine.length - firsts.length;
    duplicates += dupes;
    const unknown = result.ledger.unknown.get(email) ?? 0;
    if (dupes > unknown) fail(email, `${dupes} duplicates but SES accepted only ${unknown} sends the runners never learned of`);

    // Lessons 1..n in order within each run of the course; a copy repeats only the latest lesson.
    let epoch = 0;
    let day = 0;
    for (const d of mine) {
      if (d.epoch < epoch) fail(email, `lesson from an earlier run of the course after a restart (${describe(d)})`);
      if (d.epoch > epoch) [epoch, day] = [d.epoch, 0];
      if (d.lateMs === undefined ? d.day !== day : d.day !== day + 1) fail(email, `out of order: ${describe(d)} after day ${day}`);
      if (d.lateMs !== undefined) day = d.day;
    }

    // Never two different lessons within 8 hours.
    for (let k = 1; k < mine.length; k++) {
      const [a, b] = [mine[k - 1] as Delivery, mine[k] as Delivery];
      const same = a.epoch === b.epoch && a.day === b.day;
      if (!same && b.at - a.at < MIN_GAP_MS) fail(email, `${describe(a)} then ${describe(b)} within 8 hours`);
    }

    // One lesson per local day, with the exemptions DESIGN.md makes (counted).
    const movedAt = actions.filter((a) => a.kind === 'schedule').map((a) => a.at);
    const zoneAt = (at: number) => (plan.action?.kind === 'schedule' && movedAt.some((m) => m <= at) ? plan.action.timezone : plan.timezone);
    const dateOf = (at: number, zone: string) => DateTime.fromMillis(at, { zone }).toISODate();
    for (let k = 1; k < firsts.length; k++) {
      const [a, b] = [firsts[k - 1] as Delivery, firsts[k] as Delivery];
      const zone = zoneAt(a.at);
      if (dateOf(a.at, zone) !== dateOf(b.at, zone)) continue;
      // A change made while lesson a was still to go (or in flight) moves the one after it.
      const since = firsts[k - 2]?.at ?? -Infinity;
      if (movedAt.some((m) => m > since && m <= b.at)) exemptions.movedHour++;
      // Day 1 goes out on confirming, off the reader's hour; day 2 may follow that evening.
      else if (a.epoch === 0 && a.day === 1) exemptions.confirmationDay++;
      // A late lesson that slipped past midnight; the next is scheduled from it (no catch-up).
      else if (dateOf(a.at - (a.lateMs ?? 0), zone) !== dateOf(a.at, zone)) exemptions.latePastMidnight++;
      else fail(email, `${describe(a)} and ${describe(b)} on the same local day`);
    }

    // Nothing after leaving (a lesson already in flight may land in that same instant); nothing while paused.
    const left = Math.min(...[record?.unsubscribedAt, record?.suppressedAt].map((at) => (at ? Date.parse(at) : Infinity)));
    for (const d of firsts) {
      const late = d.lateMs ?? Number.NaN;
      if (Number.isFinite(late)) lateness.push(late);
      else if (d.at !== left) fail(email, `${describe(d)} went out with no known due time`);
      if (late < 0) fail(email, `${describe(d)} went out before it was due`);
    }

    for (const d of mine) if (d.at > left) fail(email, `${describe(d)} after ${record?.status}`);
    for (const pause of actions.filter((a) => a.kind === 'pause')) {
      const resumed = actions.find((a) => a.kind === 'resume' && a.at > pause.at)?.at ?? Infinity;
      const over = Math.min(resumed, pause.at + PAUSE_DAYS * DAY_MS);
      for (const d of mine) if (d.at > pause.at && d.at < over) fail(email, `${describe(d)} while paused`);
    }

    // Every change a reader made stuck: no drip write overwrote it.
    const did = (kind: string) => actions.some((a) => a.kind === kind);
    if (did('unsubscribe') && record?.status !== 'unsubscribed') fail(email, `unsubscribed, but the record says ${record?.status}`);
    if (did('complaint') && record?.status !== 'suppressed') fail(email, `complained, but the record says ${record?.status}`);
    if ((record?.restarts?.length ?? 0) !== actions.filter((a) => a.kind === 'restart').length) fail(email, 'a restart was lost');
    if (did('schedule') && plan.action?.kind === 'schedule' && (record?.sendHour !== plan.action.sendHour || record.timezone !== plan.action.timezone)) {
      fail(email, 'a new send hour was lost');
    }
    if (mine.some((d) => d.at === left)) inFlightWhenLeaving++;

    // Whoever just reads along finishes the course; a dead address is suppressed, unmailed.
    if (plan.rejected && (record?.status !== 'suppressed' || mine.length > 0)) fail(email, 'rejected address not suppressed cleanly');
    if (!plan.action && !plan.rejected && (record?.status !== 'completed' || firsts.length !== result.course.totalDays)) {
      fail(email, `did not complete: ${record?.status}, ${firsts.length} lessons`);
    }
  });

  lateness.sort((a, b) => a - b);
  const at = (q: number) => lateness[Math.min(lateness.length - 1, Math.floor(q * lateness.length))] ?? 0;
  const acceptedUnknown = [...result.ledger.unknown.values()].reduce((sum, n) => sum + n, 0);
  const figures = {
    readers: result.plans.length,
    lessons: lateness.length,
    deliveries: result.ledger.deliveries.length,
    duplicates,
    acceptedUnknown,
    latenessMinutes: { median: at(0.5) / 60_000, p99: at(0.99) / 60_000, max: (lateness.at(-1) ?? 0) / 60_000 },
    exemptions,
    inFlightWhenLeaving,
    faults: result.ledger.faults,
    totals: result.totals,
    completed: result.records.filter((record) => record?.status === 'completed').length,
  };
  return { violations, figures };
}

function describe(d: Delivery): string {
  return `day ${d.day}${d.epoch ? ` (run ${d.epoch + 1})` : ''} at ${new Date(d.at).toISOString()}`;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
