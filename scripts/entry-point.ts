import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Runs a script's `main` when the file is run directly (`tsx scripts/x.ts`),
 * not when a test or another script imports it; a failure prints one line,
 * prefixed with the script's name, and sets a failing exit code.
 */
export async function runIfEntryPoint(moduleUrl: string, name: string, main: () => Promise<void>): Promise<void> {
  let direct = false;
  try {
    direct = !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    direct = false;
  }
  if (!direct) return;
  await main().catch((error: unknown) => {
    console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
