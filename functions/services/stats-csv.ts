import type { Stats } from './stats.js';

/**
 * The funnel and the cohorts as CSV (RFC 4180), for a spreadsheet: the
 * console's download links and `npm run stats -- --csv`. A cell that a
 * spreadsheet would run as a formula (=, +, -, @ first) is quoted with a
 * leading apostrophe: lesson subjects are the author's, but a habit is a habit.
 */
function cell(value: string | number): string {
  const text = typeof value === 'number' ? String(value) : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const lines = (rows: Array<Array<string | number>>) => `${rows.map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;

export function funnelCsv(stats: Pick<Stats, 'funnel'>): string {
  const head = ['lesson', 'subject', 'reached', 'sent', 'left', 'unsubscribed', 'bounced', 'complained', 'deleted', 'paused', 'restarted', 'completed', 'helpful_yes', 'helpful_no'];
  return lines([
    head,
    ...stats.funnel.map((row) => [row.day, row.subject, row.reached, row.sent, row.left.total, row.left.unsubscribed, row.left.bounced, row.left.complained, row.left.deleted, row.paused, row.restarted, row.completed, row.yes, row.no]),
  ]);
}

/** One row per sign-up week: readers who confirmed that week, then how many reached each lesson. */
export function cohortsCsv(stats: Pick<Stats, 'cohorts' | 'funnel'>): string {
  return lines([
    ['week', 'confirmed', ...stats.funnel.map((row) => `reached_${row.day}`)],
    ...stats.cohorts.map((row) => [row.week, row.confirmed, ...row.reached]),
  ]);
}
