import { DateTime } from 'luxon';

/**
 * Who the simulated readers are and what they do: seeded, so every run of the
 * simulation is the same run and a failure can be replayed.
 */
export const DAY_MS = 24 * 3_600_000;
export const MINUTE_MS = 60_000;

/** DST-switching (NY, London, Berlin, Lord Howe's half hour, Chatham +12:45/+13:45, Adelaide +9:30/+10:30,
 * Auckland, St John's -3:30/-2:30), half- and quarter-hour (Kolkata, Kathmandu, Tehran) and whole-hour zones. */
export const ZONES = [
  'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kolkata', 'Asia/Kathmandu',
  'Australia/Adelaide', 'America/St_Johns', 'Europe/Berlin', 'Pacific/Auckland', 'America/Los_Angeles', 'Asia/Tehran',
  'Asia/Tokyo', 'America/Sao_Paulo', 'Africa/Johannesburg', 'UTC',
] as const;
// Midnight, the hours DST skips or repeats (1-3 am), the default 8 am, and late evening.
const HOURS = [0, 1, 2, 3, 6, 7, 8, 8, 8, 9, 12, 18, 20, 21, 23];

export type Action =
  | { kind: 'unsubscribe' | 'restart' | 'complaint'; at: number }
  | { kind: 'pause'; at: number; resumeAt?: number }
  | { kind: 'schedule'; at: number; sendHour: number; timezone: string };

export type Plan = {
  email: string;
  timezone: string;
  sendHour: number;
  signupAt: number;
  /** SES rejects this address every time (a dead mailbox): suppressed after three tries. */
  rejected: boolean;
  action?: Action;
};

/** A small, good, seedable generator (mulberry32). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

/**
 * Signups spread over the first week (by default); about one reader in four does something
 * along the way, at a random point of their course.
 */
export function makePlans(count: number, start: number, random: () => number, signupDays = 7): Plan[] {
  return Array.from({ length: count }, (_, i) => {
    const signupAt = start + random() * signupDays * DAY_MS;
    const plan: Plan = { email: `reader${i}@sim.test`, timezone: ZONES[i % ZONES.length] ?? 'UTC', sendHour: pick(random, HOURS), signupAt, rejected: false };
    const someDay = signupAt + (1 + random() * 17) * DAY_MS;
    // Half the changes land right at the reader's send hour, in the same turn as
    // the drip's pass, so they race a lesson in flight.
    const at = random() < 0.5 ? someDay : atSendHour(someDay, plan) + 1_000;
    const roll = random();
    if (roll < 0.05) plan.action = { kind: 'unsubscribe', at };
    else if (roll < 0.1) plan.action = { kind: 'pause', at, resumeAt: random() < 0.6 ? at + (1 + random() * 3) * DAY_MS : undefined };
    else if (roll < 0.14) plan.action = { kind: 'restart', at };
    else if (roll < 0.22) {
      const timezone = random() < 0.3 ? pick(random, ZONES) : plan.timezone;
      plan.action = { kind: 'schedule', at, sendHour: pick(random, HOURS), timezone };
    } else if (roll < 0.23) plan.action = { kind: 'complaint', at };
    else if (roll < 0.24) plan.rejected = true;
    return plan;
  });
}

function atSendHour(at: number, plan: Plan): number {
  return DateTime.fromMillis(at, { zone: plan.timezone }).set({ hour: plan.sendHour, minute: 0, second: 0, millisecond: 0 }).toMillis();
}
