import { merge, type Fields, type Tally } from '../../functions/core/counters.js';
import type { CounterStore, TableScan } from '../../functions/ports.js';
import { recount } from '../../functions/services/recount.js';
import type { runScenario } from './scenario.js';

type Result = Awaited<ReturnType<typeof runScenario>>;

async function allCounters(scan: TableScan): Promise<Tally> {
  const found: Tally = new Map();
  for await (const page of scan.pages()) for (const item of page) if (item.kind === 'counters') found.set(item.key, item.fields);
  return found;
}

const sum = (tally: Tally, prefix: string, field: string) =>
  [...tally].filter(([key]) => key.startsWith(prefix)).reduce((total, [, fields]) => total + (fields[field] ?? 0), 0);

/**
 * The course counters against what the simulation knows. First, independent
 * of any counting code: confirmations, pauses, restarts, unsubscribes,
 * complaints and SES refusals against the readers' applied actions, and
 * completions against the records. Then the recount (services/recount.ts)
 * over every record: the counters written during the run plus what crashed
 * passes held and never wrote must equal it, field by field; and after the
 * recount they are exact.
 */
export async function checkCounts(result: Result, counters: CounterStore, scan: TableScan) {
  const violations: string[] = [];
  const before = await allCounters(scan);
  const applied = (kind: string) => result.applied.filter((a) => a.kind === kind).length;
  const truths: Array<[string, number, number]> = [
    ['confirmations', sum(before, 'day:', 'confirmations') + sum(result.lost, 'day:', 'confirmations'), applied('confirm')],
    ['pauses', sum(before, 'lesson:', 'paused'), applied('pause')],
    ['restarts', sum(before, 'lesson:', 'restarted'), applied('restart')],
    ['unsubscribes', sum(before, 'lesson:', 'unsubscribed'), applied('unsubscribe')],
    ['complaints', sum(before, 'lesson:', 'complained'), applied('complaint')],
    ['refused addresses', sum(before, 'lesson:', 'bounced') + sum(result.lost, 'lesson:', 'bounced'), result.plans.filter((p) => p.rejected).length],
    ['completions', sum(before, 'lesson:', 'completed') + sum(result.lost, 'lesson:', 'completed'), result.records.filter((r) => r?.status === 'completed').length],
    ['sign-ups', sum(before, 'day:', 'signups'), result.plans.length],
  ];
  for (const [what, counted, truth] of truths) if (counted !== truth) violations.push(`${what}: counted ${counted}, the simulation knows ${truth}`);

  const expected = merge(new Map([...before].map(([key, fields]) => [key, { ...fields }])), result.lost);
  const repaired = await recount({ counters, scan });
  const after = await allCounters(scan);
  for (const key of new Set([...expected.keys(), ...after.keys()])) {
    const want: Fields = after.get(key) ?? {};
    const got: Fields = expected.get(key) ?? {};
    for (const field of new Set([...Object.keys(want), ...Object.keys(got)])) {
      if ((want[field] ?? 0) !== (got[field] ?? 0)) violations.push(`${key}.${field}: counted ${got[field] ?? 0} (with what crashes lost), the records say ${want[field] ?? 0}`);
    }
  }
  // After the recount: exact, and a second recount changes nothing.
  const again = await recount({ counters, scan });
  if (again.changed.length) violations.push(`a second recount still changed ${again.changed.map((c) => c.key).join(', ')}`);
  // How far each counter fell short of the records because of crashes: the worst one, and in all.
  const shortfalls = [...result.lost].flatMap(([key, fields]) => Object.entries(fields).map(([field, n]) => ({ counter: `${key}.${field}`, n: Math.abs(n) })));
  const worst = shortfalls.reduce((max, one) => (one.n > max.n ? one : max), { counter: 'none', n: 0 });
  const lostIncrements = shortfalls.reduce((total, one) => total + one.n, 0);
  const figures = {
    items: after.size,
    sent: sum(after, 'lesson:', 'sent'),
    lostToCrashes: { passes: result.totals.crashedPasses, increments: lostIncrements, worstCounter: worst },
    repairedItems: repaired.changed.length,
  };
  return { violations, figures };
}
