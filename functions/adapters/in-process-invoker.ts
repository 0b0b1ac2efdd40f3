import type { DripJob, Invoker } from '../ports.js';

/**
 * Runs fan-out workers in this process, concurrently, as Lambda would run
 * them side by side: for tests and local runs. `settled()` waits for them all.
 */
export function createInProcessInvoker<T>(
  work: (job: DripJob) => Promise<T>,
): Invoker & { jobs: DripJob[]; settled(): Promise<PromiseSettledResult<T>[]> } {
  const jobs: DripJob[] = [];
  const running: Promise<T>[] = [];
  return {
    jobs,
    async invoke(job) {
      // A copy through JSON, as the Lambda payload would be: nothing shared by reference.
      const payload = JSON.parse(JSON.stringify(job)) as DripJob;
      jobs.push(payload);
      const started = work(payload);
      started.catch(() => undefined); // reported by settled()
      running.push(started);
    },
    settled: () => Promise.allSettled(running),
  };
}
