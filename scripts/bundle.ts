import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type Metafile, type Plugin } from 'esbuild';
import sharedPlugins from '../infra/esbuild-plugins.mjs';
import { ESBUILD_TARGET } from '../infra/runtime.js';

const plugins: Plugin[] = sharedPlugins;
/** Same list as SST's nodejs.esbuild.external (infra/common.ts); the target is shared through infra/runtime.ts. */
export const SDK_EXTERNAL = ['@aws-sdk/*'] as const;

/**
 * `npm run bundle`: each Lambda entry point bundled as a deploy would (SST
 * runs esbuild with these settings): Node 24 (nodejs24.x), ESM, minified, everything
 * bundled, with the createRequire banner that CommonJS dependencies need
 * inside an ES module. Prints `{ "<name>": bytes, ... }`.
 * The AWS SDK v3 is left out, as deployed: the nodejs24.x Lambda runtime ships it (on NODE_PATH,
 * /var/runtime/node_modules), and our adapters load it on first use (functions/adapters/aws-sdk.ts).
 *   --bundle-sdk    bundle the SDK in too, for comparison
 *   --measure       also time a cold import of the API bundle against a bare `node -e ''`
 */
const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const DIST = join(ROOT, 'dist', 'functions');
const BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** Every top-level functions/*.ts that exports `handler` is a Lambda entry point (api, drip, drip-worker, feedback...). */
export function entryPoints(): string[] {
  const dir = join(ROOT, 'functions');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.ts'))
    .filter((file) => /export (async function|const) handler\b/.test(readFileSync(join(dir, file), 'utf8')))
    .map((file) => join(dir, file))
    .sort();
}

export type BundleResult = { name: string; file: string; bytes: number; inputs: string[] };

export async function bundleFunctions(options: { outDir?: string; bundleSdk?: boolean } = {}): Promise<BundleResult[]> {
  const outDir = options.outDir ?? DIST;
  mkdirSync(outDir, { recursive: true });
  return Promise.all(
    entryPoints().map(async (entry) => {
      const name = basename(entry, '.ts');
      const file = join(outDir, `${name}.mjs`);
      const result = await build({
        entryPoints: [entry],
        outfile: file,
        absWorkingDir: ROOT,
        bundle: true,
        platform: 'node',
        target: ESBUILD_TARGET,
        format: 'esm',
        minify: true,
        banner: { js: BANNER },
        external: options.bundleSdk ? [] : [...SDK_EXTERNAL],
        plugins, // the same as SST's nodejs.plugins (infra/common.ts)
        metafile: true,
        logLevel: 'warning',
      });
      const output = Object.values(result.metafile.outputs)[0] as Metafile['outputs'][string];
      return { name, file, bytes: output.bytes, inputs: Object.keys(result.metafile.inputs) };
    }),
  );
}

/** Median wall time of `node <args>` over `runs` fresh processes, in ms. */
function medianMs(args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return Math.round((times[Math.floor(runs / 2)] ?? 0) * 10) / 10;
}

/**
 * Cold import of a bundle in a fresh process (parse + evaluate, no request)
 * against a bare `node -e ''`. The API bundle builds its app on first request,
 * so the import is what every cold start pays before the handler runs.
 */
export function measureColdImport(file: string, runs = 15): { bareNodeMs: number; coldImportMs: number; ratio: number } {
  const bareNodeMs = medianMs(['-e', ''], runs);
  const coldImportMs = medianMs(['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(file).href)})`], runs);
  return { bareNodeMs, coldImportMs, ratio: Math.round((coldImportMs / bareNodeMs) * 100) / 100 };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { 'bundle-sdk': { type: 'boolean' }, measure: { type: 'boolean' } } });
  const results = await bundleFunctions({
    bundleSdk: values['bundle-sdk'],
    outDir: values['bundle-sdk'] ? join(ROOT, 'dist', 'functions-with-sdk') : DIST,
  });
  console.log(JSON.stringify(Object.fromEntries(results.map(({ name, bytes }) => [name, bytes]))));
  const api = results.find((result) => result.name === 'api');
  if (values.measure && api) console.log(JSON.stringify({ api: measureColdImport(api.file) }));
}
