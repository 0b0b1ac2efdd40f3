import { createMemoryStore } from '../../functions/adapters/memory-store.js';
import { sendDue } from '../../functions/services/send-due.js';
import { benchDeps, countingReads, seed, sinkMailer } from './readers.js';

type Pass = { sent: number; seconds: number; perSecond: number };

/** One timed pass over a freshly seeded store (the seeding is not timed). */
async function timedPass(due: number): Promise<Pass> {
  const store = createMemoryStore();
  await seed(store, due, due);
  const started = performance.now();
  const summary = await sendDue(benchDeps(store, sinkMailer()));
  const seconds = (performance.now() - started) / 1000;
  if (summary.sent !== due) throw new Error(`pipeline sent ${summary.sent} of ${due}`);
  return { sent: summary.sent, seconds, perSecond: summary.sent / seconds };
}

/**
 * The whole drip pass in one process on the in-memory adapters: index query,
 * claim, links, template, MIME, send, advance. Unpaced: the sink is not SES,
 * so this is how fast our side could feed it. One warm-up pass (JIT), then
 * the median of three.
 */
export async function measurePipeline(due: number): Promise<Pass & { range: number[] }> {
  await timedPass(Math.ceil(due / 5));
  const passes: Pass[] = [];
  for (let i = 0; i < 3; i++) passes.push(await timedPass(due));
  const [slow, median, fast] = passes.sort((a, b) => a.perSecond - b.perSecond) as [Pass, Pass, Pass];
  return { ...median, range: [slow.perSecond, fast.perSecond] };
}

/** Items read by one run with `due` lessons due among `readers`: what the run costs in reads. */
export async function measureDueReads(readers: number, due: number) {
  const store = countingReads(createMemoryStore());
  await seed(store, readers, due);
  const summary = await sendDue(benchDeps(store, sinkMailer()));
  if (summary.sent !== due) throw new Error(`read run sent ${summary.sent} of ${due}`);
  return store.read;
}
