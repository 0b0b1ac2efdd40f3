import { BREAKER_RULES, figures, type Breaker, type Counts } from '../core/breaker.js';
import { cohortKey, dayKey, lessonKey, NOW_KEY, TOTAL_KEY, type Fields, type Tally } from '../core/counters.js';
import { courseOutline } from '../core/message.js';
import type { Clock, CommentEntry, CounterStore, HealthStore, VoteStore } from '../ports.js';
import { recentCounts } from './breaker.js';
import type { ServiceDeps } from './deps.js';

/**
 * The one source of the author's figures (issue 13): the console pages, the
 * `npm run stats` command and the weekly digest all call readStats. It reads
 * counter items by key, O(lessons + days + weeks shown), never the readers.
 */
export type StatsDeps = Pick<ServiceDeps, 'course'> & { clock: Clock; counters: CounterStore; votes?: VoteStore; health?: HealthStore };
export type StatsOptions = { days?: number; weeks?: number };

export type DayRow = { day: string; signups: number; confirmations: number; completions: number; left: number };
export type Exits = { unsubscribed: number; bounced: number; complained: number; deleted: number };
export type FunnelRow = {
  day: number;
  subject: string;
  /** Readers who got this lesson (once each), and every copy SES accepted (restarts send lessons again). */
  reached: number;
  sent: number;
  left: Exits & { total: number };
  paused: number;
  restarted: number;
  completed: number;
  yes: number;
  no: number;
  comments: CommentEntry[];
};
export type CohortRow = { week: string; confirmed: number; reached: number[] };
export type HealthView = ReturnType<typeof figures> & { breaker: Pick<Breaker, 'state' | 'reason' | 'openedAt' | 'resumedAt'> };
export type Stats = {
  at: string;
  window: { days: number; weeks: number; from: string };
  overview: {
    signups: number; confirmations: number; confirmationRate: number | null; completions: number; left: number; deletions: number;
    allTime: { signups: number; confirmations: number; confirmationRate: number | null; completions: number };
    now: { active: number; paused: number; completed: number; unsubscribed: number; suppressed: number };
  };
  days: DayRow[];
  funnel: FunnelRow[];
  cohorts: CohortRow[];
  health?: HealthView;
};

/** SES's published lines for an account: it reviews above the first and may pause sending above the second. */
export const SES_LINES = { bounce: { review: 0.05, pause: 0.1 }, complaint: { review: 0.001, pause: 0.005 } } as const;

const DAY_MS = 86_400_000;
const n = (fields: Fields | undefined, field: string) => Math.max(0, fields?.[field] ?? 0);
const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);

export async function readStats(deps: StatsDeps, options: StatsOptions = {}): Promise<Stats> {
  const { days: dayCount = 28, weeks: weekCount = 8 } = options;
  const now = deps.clock.now();
  const lessons = courseOutline(deps.course);
  const days = Array.from({ length: dayCount }, (_, i) => dayKey(new Date(now.getTime() - (dayCount - 1 - i) * DAY_MS)).slice(4));
  const weeks = [...new Set(Array.from({ length: weekCount * 7 }, (_, i) => cohortKey(new Date(now.getTime() - i * DAY_MS))))].slice(0, weekCount).reverse();
  const keys = [NOW_KEY, TOTAL_KEY, ...days.map((day) => `day:${day}`), ...lessons.map((l) => lessonKey(l.day)), ...weeks];
  const [items, comments, health] = await Promise.all([
    deps.counters.read(keys),
    deps.votes ? deps.votes.comments(lessons.map((l) => l.day)) : Promise.resolve([]),
    deps.health ? readHealth(deps.health, deps.clock) : Promise.resolve(undefined),
  ]);
  const dayRows = days.map((day): DayRow => {
    const fields = items.get(`day:${day}`);
    return { day, signups: n(fields, 'signups'), confirmations: n(fields, 'confirmations'), completions: n(fields, 'completions'), left: n(fields, 'left') };
  });
  const windowSum = (field: keyof Omit<DayRow, 'day'>) => dayRows.reduce((sum, row) => sum + row[field], 0);
  const total = items.get(TOTAL_KEY);
  const gauges = items.get(NOW_KEY);
  return {
    at: now.toISOString(),
    window: { days: dayCount, weeks: weekCount, from: days[0] ?? '' },
    overview: {
      signups: windowSum('signups'),
      confirmations: windowSum('confirmations'),
      confirmationRate: rate(windowSum('confirmations'), windowSum('signups')),
      completions: windowSum('completions'),
      left: windowSum('left'),
      deletions: days.reduce((sum, day) => sum + n(items.get(`day:${day}`), 'deletions'), 0),
      allTime: { signups: n(total, 'signups'), confirmations: n(total, 'confirmations'), confirmationRate: rate(n(total, 'confirmations'), n(total, 'signups')), completions: n(total, 'completions') },
      now: { active: n(gauges, 'active'), paused: n(gauges, 'paused'), completed: n(gauges, 'completed'), unsubscribed: n(gauges, 'unsubscribed'), suppressed: n(gauges, 'suppressed') },
    },
    days: dayRows,
    funnel: funnelRows(lessons, items, comments),
    cohorts: weeks.map((key) => {
      const fields = items.get(key);
      return { week: key.slice('cohort:'.length), confirmed: n(fields, 'confirmed'), reached: lessons.map((l) => n(fields, `r${l.day}`)) };
    }),
    health,
  };
}

function funnelRows(lessons: Array<{ day: number; subject: string }>, items: Tally, comments: CommentEntry[]): FunnelRow[] {
  return lessons.map(({ day, subject }) => {
    const fields = items.get(lessonKey(day));
    const left = { unsubscribed: n(fields, 'unsubscribed'), bounced: n(fields, 'bounced'), complained: n(fields, 'complained'), deleted: n(fields, 'deleted') };
    return {
      day,
      subject,
      reached: n(fields, 'reached'),
      sent: n(fields, 'sent'),
      left: { ...left, total: left.unsubscribed + left.bounced + left.complained + left.deleted },
      paused: n(fields, 'paused'),
      restarted: n(fields, 'restarted'),
      completed: n(fields, 'completed'),
      yes: n(fields, 'yes'),
      no: n(fields, 'no'),
      comments: comments.filter((entry) => entry.day === day),
    };
  });
}

async function readHealth(health: HealthStore, clock: Clock): Promise<HealthView> {
  const breaker = await health.breaker();
  const counts: Counts = await recentCounts({ health, clock }, breaker);
  const { state, reason, openedAt, resumedAt } = breaker;
  return { ...figures(counts), breaker: { state, reason, openedAt, resumedAt } };
}

/** The lesson where most readers left (all time), for the digest and the overview; undefined while nobody has. */
export function mostLeft(stats: Stats): FunnelRow | undefined {
  return stats.funnel.reduce<FunnelRow | undefined>((worst, row) => (row.left.total > (worst?.left.total ?? 0) ? row : worst), undefined);
}

export const BREAKER_LINES = { bounce: BREAKER_RULES.maxBounceRate, complaint: BREAKER_RULES.maxComplaintRate } as const;
