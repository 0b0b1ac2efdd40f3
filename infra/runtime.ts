/**
 * The Lambda runtime every function runs on, and the esbuild target that
 * matches it. Pure (no SST globals): scripts/bundle.ts and the tests read it.
 * nodejs24.x: AWS blocks creating nodejs20.x functions from 31 Aug 2026 and
 * updating them from 30 Sep 2026; tests/infra/runtime-guard.test.ts fails
 * well before the next such date. Every handler is an async function: the
 * Node 24 runtime refuses callback handlers.
 */
export const LAMBDA_RUNTIME = 'nodejs24.x' as const;
export const ESBUILD_TARGET = 'node24';
