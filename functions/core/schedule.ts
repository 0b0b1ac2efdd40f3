import { IANAZone } from 'luxon';

/** Minimum gap between two lessons to one reader, whatever their send hour. */
export const MIN_GAP_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

export function isValidTimeZone(zone: string): boolean {
  return zone.length <= 64 && IANAZone.isValidZone(zone);
}

/**
 * Zones IANA has renamed that ICU, and so Node's Intl through Node 24, still
 * resolves to the old name (CLDR keeps its first spelling): "Europe/Kyiv"
 * comes back as "Europe/Kiev", a spelling that hurts. Both names are the same
 * zone to Intl and luxon; readers see and we store the current one.
 */
const RENAMED: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** A zone's current IANA name (a record stored before the renames keeps working under either). */
export function currentZoneName(zone: string): string {
  return RENAMED[zone] ?? zone;
}

/**
 * An instant as a reader's clock shows it. A zone this runtime's time-zone
 * data no longer knows (a record older than a tzdata change) is formatted in
 * UTC with `known: false`, for the caller to say so: the drip copes with such
 * a reader, and their pages must too.
 */
export function formatInZone(at: Date, timezone: string, options: Intl.DateTimeFormatOptions): { text: string; known: boolean } {
  const format = (timeZone: string) => new Intl.DateTimeFormat('en-GB', { ...options, timeZone }).format(at);
  try {
    return { text: format(timezone), known: true };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { text: format('UTC'), known: false };
  }
}

/** A valid zone in its usual, current spelling: "europe/london" is Europe/London, "Europe/Kiev" is Europe/Kyiv. */
export function canonicalZone(zone: string): string {
  return currentZoneName(new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone);
}

type LocalTime = { year: number; month: number; day: number; hour: number; minute?: number };

/**
 * The instants at which a local wall-clock time happens in `zone`, earliest
 * first: one, or two for a time a DST fall-back repeats. A time skipped by a
 * spring-forward jump has none: it moves forward by the jump (read with the
 * offset from before the jump, it lands the same distance past it).
 */
function occurrences(zone: string, local: LocalTime): number[] {
  const tz = IANAZone.create(zone);
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute ?? 0);
  // Offsets in force a day either side cover every real transition.
  const before = tz.offset(wall - DAY_MS);
  const after = tz.offset(wall + DAY_MS);
  const found = [...new Set([before, after])]
    .map((offset) => wall - offset * MINUTE_MS)
    .filter((instant) => instant === wall - tz.offset(instant) * MINUTE_MS)
    .sort((a, b) => a - b);
  return found.length > 0 ? found : [wall - before * MINUTE_MS];
}

/**
 * The instant a local wall-clock time happens in `zone`: a skipped time moves
 * forward by the jump, a repeated one takes its first occurrence. Luxon alone
 * picks either occurrence depending on the zone, so the offsets are resolved here.
 */
export function resolveLocalTime(zone: string, local: LocalTime): Date {
  return new Date(occurrences(zone, local)[0] as number);
}

/**
 * When the next lesson is due: the reader's send hour in their zone, at the
 * first such time at least 8 hours after the previous lesson actually went out.
 * Scheduling from the actual send (not the planned one) is what stops a
 * catch-up burst after an outage.
 *
 * "First such time" is taken over instants, not calendar days: a repeated
 * hour counts at each occurrence (its first is taken when both qualify, the
 * second when only it is 8 hours on), and the day before the threshold's
 * local date counts too, since a jump across midnight (Nuuk skips 23:00 to
 * 00:00) moves that day's hour past the date line. Otherwise the lesson
 * would slip a whole day.
 */
export function nextLessonDue(lastSentAt: Date, zone: string, sendHour: number): Date {
  const threshold = lastSentAt.getTime() + MIN_GAP_MS;
  const tz = IANAZone.create(zone);
  const offset = tz.offset(threshold);
  // The local wall time at the threshold, read as UTC: its date is the local date.
  const start = new Date(threshold + offset * MINUTE_MS);
  // The day before matters only when the offset changed in the day before the threshold.
  const firstDay = tz.offset(threshold - DAY_MS) === offset ? 0 : -1;
  for (let offsetDays = firstDay; offsetDays < 3; offsetDays++) {
    const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + offsetDays));
    const local = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour: sendHour };
    const due = occurrences(zone, local).find((instant) => instant >= threshold);
    if (due !== undefined) return new Date(due);
  }
  throw new Error(`no send time found after ${new Date(threshold).toISOString()} in ${zone}`);
}
