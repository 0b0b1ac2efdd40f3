import { describe, expect, it } from 'vitest';
import { cleanUpAfterEach, deploy, type FunctionArgs } from './deploy.js';

/**
 * Fails before AWS does: every function sst.config.ts declares must run on a
 * Lambda runtime that AWS still lets us create, with 90 days to spare, and
 * update. "Today" is the clock, so this starts failing by itself in time to
 * move to the next runtime.
 *
 * Source: AWS Lambda Developer Guide, "Building Lambda functions with Node.js"
 * (the Node.js rows of the "Lambda runtimes" table: deprecation date, block
 * function create, block function update), docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html,
 * read on 2026-12-01. nodejs18.x from the same table before it moved to "Deprecated runtimes".
 * A runtime missing here fails the test: add its row from that page first.
 */
const RUNTIMES: Record<string, { deprecation: string; blockCreate: string; blockUpdate: string }> = {
  'nodejs18.x': { deprecation: '2025-09-01', blockCreate: '2026-02-03', blockUpdate: '2026-03-09' },
  'nodejs20.x': { deprecation: '2026-04-30', blockCreate: '2026-08-31', blockUpdate: '2026-09-30' },
  'nodejs22.x': { deprecation: '2027-04-30', blockCreate: '2027-06-01', blockUpdate: '2027-07-01' },
  'nodejs24.x': { deprecation: '2028-04-30', blockCreate: '2028-06-01', blockUpdate: '2028-07-01' },
};

/** A new account (or a new stage) creates every function: creation must still work for a while. */
const CREATE_MARGIN_DAYS = 90;
const DAY_MS = 86_400_000;

/** Why a runtime cannot be deployed on `today`, or undefined when it can. */
function runtimeProblem(runtime: string | undefined, today: Date): string | undefined {
  const dates = runtime ? RUNTIMES[runtime] : undefined;
  if (!dates) return `runtime ${runtime ?? '(not set)'} is not in the dated table: add its row from the Lambda runtimes page`;
  const blockUpdate = Date.parse(`${dates.blockUpdate}T00:00:00Z`);
  const blockCreate = Date.parse(`${dates.blockCreate}T00:00:00Z`);
  if (today.getTime() >= blockUpdate) return `${runtime}: AWS blocks function updates from ${dates.blockUpdate}`;
  const daysLeft = Math.floor((blockCreate - today.getTime()) / DAY_MS);
  if (daysLeft < CREATE_MARGIN_DAYS) {
    return `${runtime}: AWS blocks function creation from ${dates.blockCreate} (${daysLeft} days left, fewer than ${CREATE_MARGIN_DAYS})`;
  }
  return undefined;
}

cleanUpAfterEach();

describe('the Lambda runtime of every function (guard against AWS deprecations)', () => {
  it('judges the dates as AWS applies them', () => {
    const at = (day: string) => new Date(`${day}T12:00:00Z`);
    expect(runtimeProblem('nodejs20.x', at('2026-07-01'))).toMatch(/creation from 2026-08-31 \(60 days left/);
    expect(runtimeProblem('nodejs20.x', at('2026-03-01'))).toBeUndefined();
    expect(runtimeProblem('nodejs20.x', at('2026-10-01'))).toMatch(/updates from 2026-09-30/);
    expect(runtimeProblem('nodejs24.x', at('2026-12-01'))).toBeUndefined();
    expect(runtimeProblem('nodejs24.x', at('2028-03-04'))).toMatch(/creation from 2028-06-01/);
    expect(runtimeProblem('nodejs26.x', at('2026-12-01'))).toMatch(/not in the dated table/);
    expect(runtimeProblem(undefined, at('2026-12-01'))).toMatch(/not set/);
  });

  it.each([
    ['prod', {}],
    ['prod with every option', { API_DOMAIN: 'course.letgo.test', API_WAF_RATE_LIMIT: '300', TURNSTILE_SITE_KEY: '0x4AAAAAAA-site' }],
    ['a dev stage', {}],
  ])('%s: every function can still be created and updated today', async (label, env: Record<string, string>) => {
    const stack = await deploy(label === 'a dev stage' ? 'alice' : 'prod', env);
    const functions: Array<[string, FunctionArgs]> = [
      ...stack.resources.filter((r) => r.type === 'sst.aws.Function').map((r) => [r.name, stack.fn(r.name)] as [string, FunctionArgs]),
      ['Drip (cron)', stack.cronFunction()],
      ['NoticeWorker (queue)', stack.noticeWorker()],
    ];
    expect(functions.length).toBeGreaterThanOrEqual(5);
    const today = new Date();
    const problems = functions.flatMap(([name, args]) => {
      const problem = runtimeProblem(args.runtime as string | undefined, today);
      return problem ? [`${name}: ${problem}`] : [];
    });
    expect(problems).toEqual([]);
  });
});
