import { createMemoryStore } from '../../functions/adapters/memory-store.js';
import { sendDue } from '../../functions/services/send-due.js';
import { benchDeps, countingReads, seed, sinkMailer } from './readers.js';

/**
 * The whole drip pass in one process on the in-memory adapters: index query,
 * claim, links, template, MIME, send, advance. Unpaced: the sink is not SES,
 * so this is how fast our side could feed it.
 */
export async function measurePipeline(due: number) {
  const store = createMemoryStore();
  await seed(store, due, due);
  const mailer = sinkMailer();
  const started = performance.now();
  const summary = await sendDue(benchDeps(store, mailer), { pageSize: 100 });
  const seconds = (performance.now() - started) / 1000;
  if (summary.sent !== due) throw new Error(`pipeline sent ${summary.sent} of ${due}`);
  return { sent: summary.sent, seconds, perSecond: summary.sent / seconds };
}

/** Items read by one run with `due` lessons due among `readers`: what the run costs in reads. */
export async function measureDueReads(readers: number, due: number) {
  const store = countingReads(createMemoryStore());
  await seed(store, readers, due);
  const summary = await sendDue(benchDeps(store, sinkMailer()), { pageSize: 100 });
  if (summary.sent !== due) throw new Error(`read run sent ${summary.sent} of ${due}`);
  return store.read;
}
