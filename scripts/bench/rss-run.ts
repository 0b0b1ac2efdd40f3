import { shardOf, type Subscriber } from '../../functions/core/subscriber.js';
import type { SubscriberStore } from '../../functions/ports.js';
import { sendDue } from '../../functions/services/send-due.js';
import { benchDeps, reader, sinkMailer } from './readers.js';

/**
 * One drip run with `due` lessons due, in a process of its own, then its peak
 * RSS. The table lives outside the process, as DynamoDB does: this stand-in
 * makes each index page when asked (readers 0..due-1, by number within a
 * shard) and takes writes without keeping them, so what is measured is the
 * run's own memory.
 */
function remoteTable(due: number): SubscriberStore {
  // Answers come back through the event loop, as a socket's do (never in the same microtask run).
  const answer = <T>(value: T) => new Promise<T>((resolve) => setImmediate(() => resolve(value)));
  const indexOf = (email: string) => Number(/^reader(\d+)@/.exec(email)?.[1] ?? -1);
  return {
    async get(email) {
      const i = indexOf(email);
      return answer(i >= 0 && i < due ? reader(i, 'due') : undefined);
    },
    async put(sub, expectedVersion) {
      return answer({ ...sub, version: (expectedVersion ?? 0) + 1 });
    },
    async delete() {
      return true;
    },
    async link() {},
    async resolveLink() {
      return undefined;
    },
    async unlink() {},
    async suppression() {
      return undefined;
    },
    async saveSuppression() {},
    async deleteSuppression() {},
    async queryDue(shard, _now, limit, cursor) {
      const items: Subscriber[] = [];
      let i = cursor ? Number(cursor) + 1 : 0;
      for (; i < due && items.length < limit; i++) {
        if (shardOf(`reader${i}@bench.example`) === shard) items.push(reader(i, 'due'));
      }
      return answer({ items, cursor: i < due ? String(i - 1) : undefined });
    },
  };
}

const due = Number(process.argv[2]);
if (!Number.isInteger(due) || due <= 0) throw new Error('usage: rss-run.ts <lessons due>');
const mailer = sinkMailer();
const started = performance.now();
const summary = await sendDue(benchDeps(remoteTable(due), mailer));
if (summary.sent !== due) throw new Error(`sent ${summary.sent} of ${due}`);
// maxRSS is in kilobytes: the process's peak resident memory, whatever the GC did.
console.log(JSON.stringify({ due, sent: summary.sent, seconds: (performance.now() - started) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
