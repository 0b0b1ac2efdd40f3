import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./rss-run.ts', import.meta.url));

/** Peak RSS (MB) of one drip run with `due` lessons due, in a fresh process (same loader flags as ours). */
async function peakRss(due: number): Promise<number> {
  const { stdout } = await run(process.execPath, [...process.execArgv, CHILD, String(due)], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxBuffer: 1 << 20,
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return (JSON.parse(line) as { peakRssMb: number }).peakRssMb;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Median of `rounds` fresh processes per size, small and large taken in turn so load hits both alike. */
export async function measureRss(small: number, large: number, rounds = 3) {
  const smalls: number[] = [];
  const larges: number[] = [];
  for (let i = 0; i < rounds; i++) {
    smalls.push(await peakRss(small));
    larges.push(await peakRss(large));
  }
  const [smallMb, largeMb] = [median(smalls), median(larges)];
  return { smallMb, largeMb, ratio: largeMb / smallMb };
}
