import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseArgs } from 'node:util';
import { createDynamoCounterStore } from '../functions/adapters/counter-stores.js';
import { createDynamoHealthStore } from '../functions/adapters/health-stores.js';
import { createDynamoTableScan } from '../functions/adapters/table-scans.js';
import { createDynamoVoteStore } from '../functions/adapters/vote-stores.js';
import { fullCourse } from '../functions/course.js';
import { systemClock } from '../functions/runtime.js';
import { recount } from '../functions/services/recount.js';
import { cohortsCsv, funnelCsv } from '../functions/services/stats-csv.js';
import { readStats, type Stats } from '../functions/services/stats.js';
import { useLocalStack } from './local-env.js';

const USAGE = `usage: npm run stats [-- --json | --csv] [--cohorts] [--days N] [--aws]
       npm run stats -- --recount [--aws]
Prints the course funnel (per lesson: readers reached, where they left and how, pauses, restarts,
helpful votes), or with --cohorts the share of each sign-up week that reached each lesson; --json
prints everything the console shows, --csv the table as CSV. --recount rebuilds every counter from
the records (a paged Scan of the whole table: run it when the course is quiet).
Runs against the local stack by default; --aws uses your AWS credentials and TABLE_NAME.`;

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    csv: { type: 'boolean', default: false },
    cohorts: { type: 'boolean', default: false },
    recount: { type: 'boolean', default: false },
    aws: { type: 'boolean', default: false },
    days: { type: 'string', default: '28' },
    help: { type: 'boolean', default: false },
  },
});
const days = Number(values.days);
if (values.help || (values.json && values.csv) || !Number.isInteger(days) || days < 1 || days > 366) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}
if (!values.aws) useLocalStack();
const tableName = process.env.TABLE_NAME;
if (!tableName) {
  console.error('TABLE_NAME is not set: name the deployed table (see the SST outputs).');
  process.exit(2);
}
const client = new DynamoDBClient({});
const counters = createDynamoCounterStore(client, tableName);

try {
  if (values.recount) {
    const result = await recount({ counters, scan: createDynamoTableScan(client, tableName) });
    console.log(`recounted ${result.records} records and ${result.votes} votes into ${result.items} counter items; ${result.changed.length} corrected`);
    for (const { key, before, after } of result.changed) console.log(`  ${key}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    process.exit(0);
  }
  const stats = await readStats(
    { clock: systemClock, course: fullCourse, counters, votes: createDynamoVoteStore(client, tableName), health: createDynamoHealthStore(client, tableName) },
    { days },
  );
  if (values.json) console.log(JSON.stringify(stats, null, 2));
  else if (values.csv) process.stdout.write(values.cohorts ? cohortsCsv(stats) : funnelCsv(stats));
  else console.log(values.cohorts ? cohortTable(stats) : funnelTable(stats));
} catch (error) {
  console.error(`stats failed: ${error instanceof Error ? error.message : String(error)}${values.aws ? '' : '. Is the local stack running (npm start)?'}`);
  process.exit(1);
}

function table(head: string[], rows: Array<Array<string | number>>): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells: Array<string | number>) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i] ?? 0) : String(c).padStart(widths[i] ?? 0))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

function funnelTable(stats: Stats): string {
  const o = stats.overview;
  const pct = (r: number | null) => (r === null ? 'n/a' : `${Math.round(r * 100)}%`);
  const head = `Last ${stats.window.days} days: ${o.signups} sign-ups, ${o.confirmations} confirmed (${pct(o.confirmationRate)}), ${o.completions} finished. ` +
    `Now: ${o.now.active} in the course, ${o.now.paused} paused, ${o.now.completed} finished.`;
  const rows = stats.funnel.map((r) => [`${r.day} ${r.subject.slice(0, 34)}`, r.reached, r.left.total, r.left.unsubscribed, r.left.bounced, r.left.complained, r.left.deleted, r.paused, r.restarted, r.yes, r.no]);
  return `${head}\n\n${table(['lesson', 'reached', 'left', 'unsub', 'bounce', 'compl', 'deleted', 'paused', 'restart', 'yes', 'no'], rows)}`;
}

function cohortTable(stats: Stats): string {
  const share = (part: number, whole: number) => (whole ? `${Math.round((part / whole) * 100)}%` : '-');
  const rows = stats.cohorts.map((c) => [c.week, c.confirmed, ...c.reached.map((r) => share(r, c.confirmed))]);
  return table(['week', 'readers', ...stats.funnel.map((r) => `d${r.day}`)], rows);
}
