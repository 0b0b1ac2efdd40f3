import { afterEach, vi } from 'vitest';
import { installStubs, unwrap } from './stubs.js';

/**
 * Evaluates sst.config.ts for one stage against the recording stubs, with
 * deploy-time settings in process.env as SST would load them from .env.<stage>.
 */
export type SstConfig = {
  app(input: { stage: string }): Record<string, unknown>;
  run(): Promise<Record<string, unknown>>;
};
export type FunctionArgs = {
  handler: string;
  environment: Record<string, string>;
  permissions: Array<{ actions: string[]; resources: string[] }>;
  link: string[];
  [key: string]: unknown;
};

// A variable path: tsc must not follow it (sst.config.ts is typed by SST's globals, not this project's).
export const CONFIG = new URL('../../sst.config.ts', import.meta.url).href;
export const ENV = {
  MAIL_FROM: 'Let Go <course@mail.letgo.test>',
  REPLY_TO: 'Robin <robin@letgo.test>',
  UNSUBSCRIBE_MAILTO: 'mailto:author@letgo.test?subject=unsubscribe',
};

let uninstall: (() => void) | undefined;

/** Call once per test file: restores the globals and the environment after each test. */
export function cleanUpAfterEach(): void {
  afterEach(() => {
    uninstall?.();
    uninstall = undefined;
    vi.unstubAllEnvs();
  });
}

export async function loadConfig(stage: string, env: Record<string, string> = {}) {
  for (const [key, value] of Object.entries({ ...ENV, ...env })) vi.stubEnv(key, value);
  uninstall?.();
  const stubs = installStubs(stage);
  uninstall = stubs.uninstall;
  const config = (await import(/* @vite-ignore */ CONFIG)).default as SstConfig;
  return { ...stubs, config };
}

export async function deploy(stage: string, env: Record<string, string> = {}) {
  const stack = await loadConfig(stage, env);
  const outputs = unwrap(await stack.config.run()) as Record<string, unknown>;
  const fn = (name: string) => stack.find('sst.aws.Function', name).args as FunctionArgs;
  const cronFunction = () => stack.find('sst.aws.CronV2', 'Drip').args.function as FunctionArgs;
  /** The notice worker: the function the Notices queue is subscribed to (infra/notices.ts). */
  const noticeWorker = () => {
    const found = stack.subscriptions.find((subscription) => subscription.topic === 'Notices');
    if (!found) throw new Error('the Notices queue has no subscriber');
    return found.subscriber as FunctionArgs;
  };
  return { ...stack, outputs, fn, cronFunction, noticeWorker };
}
