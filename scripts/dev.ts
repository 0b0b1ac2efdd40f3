// `npm run dev [-- --content <dir> --templates <dir> --no-spam]`: a preview server for every email of
// the course on its own port (DEV_PORT, default 3300; 0: a free one). Saving a file under content/ or
// emails/ updates open pages within about a second; a broken file shows its error in the page.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDevServer } from './dev/server.js';
import { PortInUseError } from './local-stack.js';
import { installedFilters, startSpamFilters, type Filters } from './spam-filters.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { content: { type: 'string' }, templates: { type: 'string' }, 'no-spam': { type: 'boolean', default: false } },
});
const port = Number(process.env.DEV_PORT ?? 3300);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`DEV_PORT must be a port number (0 for a free one), got "${process.env.DEV_PORT}"`);
  process.exit(2);
}
const contentDir = path.resolve(values.content ?? process.env.LETGO_CONTENT_DIR ?? path.join(ROOT, 'content'));
const templatesDir = path.resolve(values.templates ?? path.join(ROOT, 'emails'));
const installed = installedFilters();
let spam: Filters | undefined;
try {
  // Spam scores where a filter is installed: started once, they score each build after it is shown.
  if (!values['no-spam'] && (installed.spamassassin || installed.rspamd)) spam = await startSpamFilters();
  const dev = await startDevServer({
    contentDir, templatesDir, port, spam, mailFrom: process.env.MAIL_FROM, authorEmail: process.env.AUTHOR_EMAIL,
  });
  const state = dev.builder.current();
  console.log(`Let Go dev server: ${dev.url}/
  Watching:  ${path.relative(process.cwd(), contentDir) || '.'}/ and ${path.relative(process.cwd(), templatesDir) || '.'}/ (save a file: open pages update by themselves)
  Course:    ${state.problems ? `does not build yet (${state.problems.length} ${state.problems.length === 1 ? 'error' : 'errors'}, shown in the page)` : `${state.report?.emails.length} emails, built in ${state.buildMs} ms`}
  Spam:      ${spam ? `scored by ${[spam.spamassassin && 'SpamAssassin', spam.rspamd && 'rspamd'].filter(Boolean).join(' and ')} after each build` : values['no-spam'] ? 'off (--no-spam)' : 'no SpamAssassin or rspamd installed'}
  Test send: to the local stack's mailbox (npm start in another terminal)
Press Ctrl-C to stop.`);
  const stop = async () => {
    await dev.stop();
    await spam?.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  await spam?.stop();
  console.error(`Cannot start the dev server: ${error instanceof PortInUseError ? `${error.message}.` : error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
