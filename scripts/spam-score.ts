// `npm run emails:score [-- files or directories]`: scores raw messages (default: the .eml files
// `npm run emails:preview` writes into previews/) with SpamAssassin and rspamd, where installed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { runIfEntryPoint } from './entry-point.js';
import { points, RSPAMD_LIMIT, SPAMASSASSIN_LIMIT, startSpamFilters } from './spam-filters.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const targets = args.length ? args : ['previews'];
  const files = targets.flatMap((t) => (statSync(t).isDirectory() ? readdirSync(t).filter((f) => f.endsWith('.eml')).sort().map((f) => path.join(t, f)) : [t]));
  if (files.length === 0) throw new Error(`no .eml files in ${targets.join(', ')}: run "npm run emails:preview" first`);
  const filters = await startSpamFilters();
  let over = 0;
  try {
    for (const name of filters.missing) console.log(`not installed, not scored: ${name}`);
    console.log('| email | SpamAssassin | rspamd (content) | left out (delivery) |\n|---|---|---|---|');
    const rows = await Promise.all(files.map(async (file) => {
      const raw = readFileSync(file, 'utf8');
      const [sa, rs] = await Promise.all([filters.spamassassin?.score(raw), filters.rspamd?.score(raw)]);
      if ((sa && sa.total > SPAMASSASSIN_LIMIT) || (rs && rs.total > RSPAMD_LIMIT)) over++;
      const left = [...(sa?.excluded ?? []), ...(rs?.excluded ?? [])].map((h) => `${h.rule}(${h.score})`).join(' ');
      return `| ${path.basename(file, '.eml')} | ${sa ? points(sa) : 'n/a'} | ${rs ? points(rs) : 'n/a'} | ${left} |`;
    }));
    console.log(rows.join('\n'));
    console.log(`\nlimits: SpamAssassin <= ${SPAMASSASSIN_LIMIT}, rspamd <= ${RSPAMD_LIMIT} (without the delivery symbols listed in scripts/spam-filters.ts); ${over} of ${files.length} over`);
    if (over) process.exitCode = 1;
  } finally {
    await filters.stop();
  }
}

await runIfEntryPoint(import.meta.url, 'spam-score', main);
