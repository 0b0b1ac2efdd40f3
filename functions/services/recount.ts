import { contribution, isCountKey, merge, rebuild, voteContribution, type Fields, type Tally } from '../core/counters.js';
import type { CounterStore, TableScan } from '../ports.js';

/**
 * `npm run stats -- --recount`: the counters rebuilt from what the table
 * holds, through the one Scan in the project (paged; the author's own
 * credentials; never the API or the drip). Each record and vote adds its
 * contribution, each counter item its kept fields (what no record can show
 * any more); every counter item is then overwritten with the result. Run it
 * when the course is quiet: an increment written during the scan is lost.
 */
export type RecountResult = { records: number; votes: number; items: number; changed: Array<{ key: string; before: Fields; after: Fields }> };

export async function recount(deps: { counters: CounterStore; scan: TableScan }): Promise<RecountResult> {
  const sum: Tally = new Map();
  const stored: Tally = new Map();
  let records = 0;
  let votes = 0;
  for await (const page of deps.scan.pages()) {
    for (const item of page) {
      if (item.kind === 'record') {
        records++;
        merge(sum, contribution(item.record));
      } else if (item.kind === 'vote') {
        votes++;
        merge(sum, voteContribution(item.vote));
      } else if (isCountKey(item.key)) {
        stored.set(item.key, item.fields);
      }
    }
  }
  const rebuilt = rebuild([sum], stored);
  // An item that no longer counts anything is emptied (the store deletes it).
  for (const key of stored.keys()) if (!rebuilt.has(key)) rebuilt.set(key, {});
  const changed = [...rebuilt].flatMap(([key, after]) => (same(stored.get(key) ?? {}, after) ? [] : [{ key, before: stored.get(key) ?? {}, after }]));
  await deps.counters.replace(new Map(changed.map(({ key, after }) => [key, after])));
  return { records, votes, items: rebuilt.size, changed };
}

function same(a: Fields, b: Fields): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => (a[key] ?? 0) === (b[key] ?? 0));
}
