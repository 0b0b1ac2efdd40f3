import { IANAZone } from 'luxon';

/** Minimum gap between two lessons to one reader, whatever their send hour. */
export const MIN_GAP_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

export function isValidTimeZone(zone: string): boolean {
  return zone.length <= 64 && IANAZone.isValidZone(zone);
}

/** A valid zone in its usual spelling: "europe/london" is Europe/London. */
export function canonicalZone(zone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

/**
 * The instant a local wall-clock time happens in `zone`.
 * A time skipped by a DST jump moves forward by the jump; a repeated
 * (ambiguous) time takes its first occurrence. Luxon alone picks either
 * occurrence depending on the zone, so the offsets are resolved here.
 */
export function resolveLocalTime(
  zone: string,
  local: { year: number; month: number; day: number; hour: number; minute?: number },
): Date {
  const tz = IANAZone.create(zone);
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute ?? 0);
  // Offsets in force a day either side cover every real transition.
  const before = tz.offset(wall - DAY_MS);
  const after = tz.offset(wall + DAY_MS);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset * MINUTE_MS)
    .filter((instant) => instant === wall - tz.offset(instant) * MINUTE_MS)
    .sort((a, b) => a - b);
  // No candidate: the wall time fell in a gap; reading it with the offset
  // from before the jump lands the same distance past the jump.
  return new Date(candidates[0] ?? wall - before * MINUTE_MS);
}

/** Calendar date (in `zone`) of an instant. */
function localDate(zone: string, instant: number): { year: number; month: number; day: number } {
  const shifted = new Date(instant + IANAZone.create(zone).offset(instant) * MINUTE_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/**
 * When the next lesson is due: the reader's send hour in their zone, at the
 * first such time at least 8 hours after the previous lesson actually went out.
 * Scheduling from the actual send (not the planned one) is what stops a
 * catch-up burst after an outage.
 */
export function nextLessonDue(lastSentAt: Date, zone: string, sendHour: number): Date {
  const threshold = lastSentAt.getTime() + MIN_GAP_MS;
  const start = localDate(zone, threshold);
  for (let offsetDays = 0; offsetDays < 3; offsetDays++) {
    const day = new Date(Date.UTC(start.year, start.month - 1, start.day + offsetDays));
    const due = resolveLocalTime(zone, {
      year: day.getUTCFullYear(),
      month: day.getUTCMonth() + 1,
      day: day.getUTCDate(),
      hour: sendHour,
    });
    if (due.getTime() >= threshold) return due;
  }
  throw new Error(`no send time found after ${new Date(threshold).toISOString()} in ${zone}`);
}
