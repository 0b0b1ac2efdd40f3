import { parseArgs } from 'node:util';
import { measureConsoleReads } from './bench/console.js';
import { measureLocal } from './bench/local.js';
import { measureDueReads, measurePipeline } from './bench/pipeline.js';
import { measureRender } from './bench/render.js';
import { measureRss } from './bench/rss.js';
import { measureWriteUnits } from './bench/write-units.js';
import { bundleFunctions, measureColdImport } from './bundle.js';

/**
 * `npm run bench` (a benchmark, not a test): what one email costs us, how fast
 * one process drives the whole drip, and that a run's cost (reads, memory)
 * grows with what is due, not with the list. `-- --json` prints one JSON object.
 * Figures and how to read them: BENCHMARKS.md.
 */
const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });
// The SDK's notice that Node 20 support ends in 2027 would land in the middle of the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const progress = (step: string) => {
  if (!values.json) process.stderr.write(`  ${step}...\n`);
};

progress('render: mjml at send time vs fill + MIME');
const render = await measureRender();
progress('pipeline: 5,000 due on the in-memory adapters (median of 3)');
const pipeline = await measurePipeline(5_000);
progress('local: 1,000 due on dynalite + aws-ses-v2-local');
const local = await measureLocal(1_000);
progress('due reads: 1,000 due among 10,000 and among 100,000');
const [readsSmallList, readsLargeList] = [await measureDueReads(10_000, 1_000), await measureDueReads(100_000, 1_000)];
progress('console: items read to render it with 10,000 and with 100,000 readers');
const [consoleSmall, consoleLarge] = [await measureConsoleReads(10_000), await measureConsoleReads(100_000)];
progress('write units: a drip pass of 1,000 on dynalite, without and with the course counters');
const writeUnits = await measureWriteUnits(1_000);
progress('memory: peak RSS of runs with 1,000 and 20,000 due (fresh processes)');
const rss = await measureRss(1_000, 20_000);
progress('bundles: sizes, and a cold import of the API bundle against a bare node (fresh processes)');
const bundles = await bundleFunctions();
const apiBundle = bundles.find((bundle) => bundle.name === 'api');
if (!apiBundle) throw new Error('no API bundle was built');
const cold = measureColdImport(apiBundle.file);

const result = {
  render_speedup: round(render.speedup, 1),
  pipeline_emails_per_s: round(pipeline.perSecond, 0),
  local_emails_per_s: round(local.perSecond, 0),
  due_read_ratio: round(readsLargeList / readsSmallList, 3),
  rss_ratio: round(rss.ratio, 3),
  console_read_ratio: round(consoleLarge.items / consoleSmall.items, 3),
  write_units_per_lesson: round(writeUnits.after.perLesson, 3),
  api_bundle_bytes: apiBundle.bytes,
  api_cold_import_ratio: cold.ratio,
  details: {
    bundle_bytes: Object.fromEntries(bundles.map((bundle) => [bundle.name, bundle.bytes])),
    cold_import_ms: { bare_node: cold.bareNodeMs, api_bundle: cold.coldImportMs },
    mjml_ms_per_email: round(render.mjmlMs, 3),
    mjml_first_compile_ms: round(render.firstCompileMs, 1),
    fill_and_mime_us_per_email: round(render.oursMs * 1000, 1),
    pipeline: { sent: pipeline.sent, seconds: round(pipeline.seconds, 2), range_per_s: pipeline.range.map((n) => round(n, 0)) },
    local: { sent: local.sent, seconds: round(local.seconds, 2) },
    due_reads: { among_10000: readsSmallList, among_100000: readsLargeList },
    console_items_read: { readers_10000: consoleSmall.items, readers_100000: consoleLarge.items, store_reads: consoleLarge.storeReads },
    write_units: {
      before: { per_lesson: round(writeUnits.before.perLesson, 3), table: writeUnits.before.table, index: writeUnits.before.index, writes: writeUnits.before.writes },
      after: { per_lesson: round(writeUnits.after.perLesson, 3), table: writeUnits.after.table, index: writeUnits.after.index, writes: writeUnits.after.writes },
      added_per_lesson: round(writeUnits.added, 3),
      lessons: writeUnits.after.sent,
    },
    peak_rss_mb: { due_1000: round(rss.smallMb, 1), due_20000: round(rss.largeMb, 1) },
    node: process.version,
  },
};

if (values.json) {
  console.log(JSON.stringify(result));
} else {
  const rows: Array<[string, number, string, boolean | undefined]> = [
    ['render_speedup', result.render_speedup, '>= 500', result.render_speedup >= 500],
    ['pipeline_emails_per_s', result.pipeline_emails_per_s, '>= 2000', result.pipeline_emails_per_s >= 2000],
    ['local_emails_per_s', result.local_emails_per_s, '(figure)', undefined],
    ['due_read_ratio', result.due_read_ratio, '<= 1.1', result.due_read_ratio <= 1.1],
    ['rss_ratio', result.rss_ratio, '<= 1.3', result.rss_ratio <= 1.3],
    ['console_read_ratio', result.console_read_ratio, '<= 1.1', result.console_read_ratio <= 1.1],
    ['write_units_per_lesson', result.write_units_per_lesson, `<= ${round(writeUnits.before.perLesson + 1, 2)}`, writeUnits.added <= 1],
    ['api_bundle_bytes', result.api_bundle_bytes, '<= 409600', result.api_bundle_bytes <= 409_600],
    ['api_cold_import_ratio', result.api_cold_import_ratio, '<= 2', result.api_cold_import_ratio <= 2],
  ];
  console.log(`\n${'metric'.padEnd(24)}${'value'.padStart(10)}  ${'target'.padEnd(10)}result`);
  for (const [name, value, target, pass] of rows) {
    console.log(`${name.padEnd(24)}${String(value).padStart(10)}  ${target.padEnd(10)}${pass === undefined ? '-' : pass ? 'pass' : 'FAIL'}`);
  }
  const d = result.details;
  console.log(`
mjml at send time ${d.mjml_ms_per_email} ms/email (first compile ${d.mjml_first_compile_ms} ms); fill + MIME ${d.fill_and_mime_us_per_email} us/email
pipeline ${d.pipeline.sent} emails in ${d.pipeline.seconds} s (3 passes: ${d.pipeline.range_per_s.join(' to ')}/s); local ${d.local.sent} in ${d.local.seconds} s
items read: ${d.due_reads.among_10000} (1,000 due of 10,000), ${d.due_reads.among_100000} (1,000 due of 100,000)
console: ${d.console_items_read.readers_10000} items read with 10,000 readers, ${d.console_items_read.readers_100000} with 100,000 (${d.console_items_read.store_reads} reads of the readers' records)
write units per lesson: ${d.write_units.before.per_lesson} without the counters (table ${d.write_units.before.table} from ConsumedCapacity + index ${d.write_units.before.index} from item sizes, ${d.write_units.lessons} lessons), ${d.write_units.after.per_lesson} with them (+${d.write_units.added_per_lesson})
peak RSS: ${d.peak_rss_mb.due_1000} MB (1,000 due), ${d.peak_rss_mb.due_20000} MB (20,000 due); node ${d.node}
cold import: bare node ${d.cold_import_ms.bare_node} ms, API bundle ${d.cold_import_ms.api_bundle} ms; bundles ${JSON.stringify(d.bundle_bytes)}`);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
