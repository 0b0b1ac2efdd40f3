/**
 * The sending circuit breaker: when bounces or complaints over recent sends
 * pass what SES tolerates, the drip stops before SES pauses the account.
 * Pure: counts and time in, a decision out.
 */
export type Counts = { sends: number; bounces: number; complaints: number };
export type Breaker = {
  state: 'closed' | 'open';
  reason?: string;
  openedAt?: string;
  resumedAt?: string;
  /** Counts of the resume day at the moment of resuming: what came before does not count again. */
  baseline?: Counts & { day: string };
  version: number;
};

export const BREAKER_RULES = {
  windowDays: 7,
  minSends: 100, // below this a rate says nothing: 1 bounce in 10 sends is not 10%
  maxBounceRate: 0.05,
  maxComplaintRate: 0.001,
} as const;

export const ZERO: Counts = { sends: 0, bounces: 0, complaints: 0 };

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

export function subtract(total: Counts, baseline?: Counts): Counts {
  if (!baseline) return total;
  return {
    sends: Math.max(0, total.sends - baseline.sends),
    bounces: Math.max(0, total.bounces - baseline.bounces),
    complaints: Math.max(0, total.complaints - baseline.complaints),
  };
}

/** Why the breaker must open, or undefined while sending is healthy. */
export function tripReason(counts: Counts): string | undefined {
  if (counts.sends < BREAKER_RULES.minSends) return undefined;
  const bounceRate = counts.bounces / counts.sends;
  const complaintRate = counts.complaints / counts.sends;
  const pct = (rate: number) => `${(rate * 100).toFixed(2)}%`;
  if (bounceRate > BREAKER_RULES.maxBounceRate) {
    return `bounce rate ${pct(bounceRate)} (${counts.bounces} of ${counts.sends} recent sends) is over ${pct(BREAKER_RULES.maxBounceRate)}`;
  }
  if (complaintRate > BREAKER_RULES.maxComplaintRate) {
    return `complaint rate ${pct(complaintRate)} (${counts.complaints} of ${counts.sends} recent sends) is over ${pct(BREAKER_RULES.maxComplaintRate)}`;
  }
  return undefined;
}
