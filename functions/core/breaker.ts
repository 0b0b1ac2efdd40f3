/**
 * The sending circuit breaker: when bounces or complaints over recent sends
 * pass what SES tolerates, the drip stops before SES pauses the account.
 * Pure: counts and time in, a decision out.
 *
 * Only lesson mail can trip it. Anyone can make us send a confirmation (or an
 * "already enrolled" notice) to any address, so bounces and complaints on
 * those are an outsider's lever: counted apart, warned about, never a stop.
 */
export type Counts = {
  /** Every email handed to SES: lessons and notices (confirmation, already enrolled, complete...). */
  sends: number;
  /** Hard bounces and complaints on a message whose SES MessageId a reader's record holds as a lesson. */
  lessonBounces: number;
  lessonComplaints: number;
  /** The same on any other message (notices, or a MessageId we never recorded). */
  otherBounces: number;
  otherComplaints: number;
};
export const COUNT_FIELDS = ['sends', 'lessonBounces', 'lessonComplaints', 'otherBounces', 'otherComplaints'] as const;

export type Breaker = {
  state: 'closed' | 'open';
  reason?: string;
  openedAt?: string;
  resumedAt?: string;
  /** Counts of the resume day at the moment of resuming: what came before does not count again. */
  baseline?: Partial<Counts> & { day: string };
  version: number;
};

export const BREAKER_RULES = {
  windowDays: 7,
  minSends: 100, // below this a rate says nothing: 1 bounce in 10 sends is not 10%
  maxBounceRate: 0.05,
  maxComplaintRate: 0.001,
  // Both a rate and a count: 5 complaints out of 2,000 sends is a list problem; 1 out of 250 is one person.
  minBounces: 20,
  minComplaints: 5,
} as const;

export const ZERO: Counts = { sends: 0, lessonBounces: 0, lessonComplaints: 0, otherBounces: 0, otherComplaints: 0 };

export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The days whose counts make up the window ending at `now`, newest first, never before a resume. */
export function windowDays(now: Date, resumedAt?: string): string[] {
  const days: string[] = [];
  const floor = resumedAt ? dayOf(new Date(resumedAt)) : '';
  for (let i = 0; i < BREAKER_RULES.windowDays; i++) {
    const day = dayOf(new Date(now.getTime() - i * 86_400_000));
    if (day < floor) break;
    days.push(day);
  }
  return days;
}

/** Adds or takes away counts field by field; a field a stored item lacks counts as 0. */
export function combine(a: Partial<Counts>, b: Partial<Counts> = {}, sign: 1 | -1 = 1): Counts {
  const out = { ...ZERO };
  for (const field of COUNT_FIELDS) out[field] = Math.max(0, (a[field] ?? 0) + sign * (b[field] ?? 0));
  return out;
}

const pct = (rate: number) => `${(rate * 100).toFixed(2)}%`;

/** Why the breaker must open, or undefined while lesson mail is healthy. */
export function tripReason(counts: Counts, scale = 1): string | undefined {
  const { minSends, maxBounceRate, maxComplaintRate, minBounces, minComplaints } = BREAKER_RULES;
  if (counts.sends < minSends) return undefined;
  const over = (n: number, maxRate: number, min: number) => n / counts.sends > maxRate * scale && n >= Math.ceil(min * scale);
  if (over(counts.lessonBounces, maxBounceRate, minBounces)) {
    return `bounce rate ${pct(counts.lessonBounces / counts.sends)} (${counts.lessonBounces} lesson bounces in ${counts.sends} recent sends) is over ${pct(maxBounceRate * scale)}`;
  }
  if (over(counts.lessonComplaints, maxComplaintRate, minComplaints)) {
    return `complaint rate ${pct(counts.lessonComplaints / counts.sends)} (${counts.lessonComplaints} lesson complaints in ${counts.sends} recent sends) is over ${pct(maxComplaintRate * scale)}`;
  }
  return undefined;
}

export type Warning = { level: 'WARN' | 'ERROR'; message: string };

/**
 * What deserves a loud log line while sending goes on: lesson feedback past
 * half the trip, and feedback on other mail at half the trip's count or, as
 * SES sees the account (every bounce over every send), past half its rate.
 * ERROR once SES's view crosses the full rate: SES may review the account.
 */
export function warnings(counts: Counts): Warning[] {
  const { minSends, maxBounceRate, maxComplaintRate, minBounces, minComplaints } = BREAKER_RULES;
  const found: Warning[] = [];
  const near = tripReason(counts, 0.5);
  if (near && !tripReason(counts)) found.push({ level: 'WARN', message: `lessons near the breaker's trip: ${near}` });
  const bounces = counts.lessonBounces + counts.otherBounces;
  const complaints = counts.lessonComplaints + counts.otherComplaints;
  const rated = counts.sends >= minSends;
  const spikes = [
    { n: counts.otherBounces, all: bounces, what: 'bounce', maxRate: maxBounceRate, min: minBounces },
    { n: counts.otherComplaints, all: complaints, what: 'complaint', maxRate: maxComplaintRate, min: minComplaints },
  ];
  for (const { n, all, what, maxRate, min } of spikes) {
    if (n === 0) continue;
    const rate = rated ? all / counts.sends : 0;
    if (n < Math.ceil(min / 2) && rate <= maxRate / 2) continue;
    found.push({
      level: rate > maxRate ? 'ERROR' : 'WARN',
      message:
        `${n} ${what}${n === 1 ? '' : 's'} on mail that is not a lesson (sign-up notices: someone may be signing up addresses that are not theirs); ` +
        `all ${what}s: ${all} in ${counts.sends} recent sends${rated ? ` (${pct(rate)}, SES reviews above ${pct(maxRate)})` : ''}. Sending goes on.`,
    });
  }
  return found;
}

/** The figures the author reads (`npm run breaker -- status`): counts, rates and where the breaker trips. */
export function figures(counts: Counts) {
  const { minSends, maxBounceRate, maxComplaintRate, minBounces, minComplaints } = BREAKER_RULES;
  const rate = (n: number) => (counts.sends > 0 ? pct(n / counts.sends) : 'n/a');
  return {
    recent: counts,
    rates: {
      lessonBounces: rate(counts.lessonBounces),
      lessonComplaints: rate(counts.lessonComplaints),
      // What SES computes for the account: every bounce and complaint over every send.
      allBounces: rate(counts.lessonBounces + counts.otherBounces),
      allComplaints: rate(counts.lessonComplaints + counts.otherComplaints),
    },
    tripsOn: `lesson bounces over ${pct(maxBounceRate)} and at least ${minBounces}, or lesson complaints over ${pct(maxComplaintRate)} and at least ${minComplaints}, of at least ${minSends} sends in ${BREAKER_RULES.windowDays} days`,
    warnings: warnings(counts),
  };
}
