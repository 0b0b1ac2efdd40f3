import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dynamoClient } from '../support/engines.js';
import { compiledCourse } from '../support/fixtures.js';
import { newDataDir, removeDataDirs, runCommand, signUpAndWait, startStack, waitForEmail, type Stack } from './local-process.js';

/**
 * `npm run drip`, `privacy`, `breaker`, `stats` and `send-test` find the running stack from .data/stack.json, on
 * whatever ports it took, and say so in one line when there is none. And `npm start` on a
 * DynamoDB of your own (AWS_ENDPOINT_URL_DYNAMODB) leaves dynalite out.
 */
afterAll(removeDataDirs);

const commands: Array<[string, string[]]> = [
  ['drip', ['--now', '2026-12-02T08:00:00Z']],
  ['privacy', ['export', 'nobody@example.com']],
  ['breaker', ['status']],
  ['send-test', ['day-01', '--to', 'author@example.com']],
  ['stats', ['--json']],
];

describe('the helper commands with no stack running', () => {
  it.each(commands)('%s says so in one line and exits 1', { timeout: 120_000 }, async (script, args) => {
    const result = await runCommand(script, args, { DATA_DIR: newDataDir() });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining('No local stack is running')]);
  });

  it('takes a record left by a stack that crashed for no stack', { timeout: 120_000 }, async () => {
    const dataDir = newDataDir();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const record = { pid: gone, dataDir, startedAt: new Date().toISOString(), baseUrl: 'http://localhost:1', appPort: 1, sesUrl: 'http://127.0.0.1:2', dynamoUrl: 'http://127.0.0.1:3', dynalite: true, tableName: 'letgo-local' };
    writeFileSync(join(dataDir, 'stack.json'), JSON.stringify(record));
    const result = await runCommand('breaker', ['status'], { DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No local stack is running');
  });
});

describe('the helper commands with a stack running', () => {
  const dataDir = newDataDir();
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(dataDir, { CLOCK_SPEED: '1440' });
    await signUpAndWait(stack.record, 'rio.commands@example.com', 'America/New_York');
  }, 180_000);
  afterAll(async () => {
    if (stack?.child.exitCode === null) await stack.stop();
  });

  it('finds it from the data dir alone, on its own ports', { timeout: 180_000 }, async () => {
    const env = { DATA_DIR: dataDir };
    const [drip, privacy, breaker, stats] = await Promise.all([
      runCommand('drip', ['--now', '2026-12-02T08:00:00Z'], env),
      runCommand('privacy', ['export', 'rio.commands@example.com'], env),
      runCommand('breaker', ['status'], env),
      runCommand('stats', ['--json'], env),
    ]);
    // The sign-up is counted (a reader who has not confirmed yet is in no lesson's row).
    expect(JSON.parse(stats.stdout || stats.stderr).overview.allTime).toMatchObject({ signups: 1 });
    expect(JSON.parse(drip.stdout || drip.stderr)).toMatchObject({ now: '2026-12-02T08:00:00.000Z', failed: 0 });
    expect(JSON.parse(privacy.stdout || privacy.stderr).subscriber).toMatchObject({ email: 'rio.commands@example.com', timezone: 'America/New_York' });
    expect(JSON.parse(breaker.stdout || breaker.stderr)).toMatchObject({ state: 'closed' });
  });

  it('send-test puts one lesson, as production builds it, in its mailbox', { timeout: 180_000 }, async () => {
    const sent = await runCommand('send-test', ['day-3', '--to', 'Author@Example.com'], { DATA_DIR: dataDir });
    expect(sent.stderr).toBe('');
    expect(sent.stdout).toBe(`sent day-03 "${compiledCourse.lessons[2]?.subject}" to author@example.com to the local mailbox: ${stack.record.sesUrl}/\n`);
    const mail = await waitForEmail(stack.record, 'author@example.com', 0);
    expect(mail.subject).toBe(compiledCourse.lessons[2]?.subject);
    expect(mail.body.text).toMatch(new RegExp(`${stack.record.baseUrl}/unsubscribe\\?t=[\\w.-]+`));
    const unknown = await runCommand('send-test', ['day-99', '--to', 'author@example.com'], { DATA_DIR: dataDir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^send-test: no email "day-99" in this course; one of: confirmation, already-enrolled, day-01, /);
  });
});

describe('the console link npm start prints', () => {
  const dataDir = newDataDir();
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(dataDir, { CLOCK_SPEED: '1440', SCHEDULER: 'off' });
  }, 180_000);
  afterAll(async () => {
    if (stack?.child.exitCode === null) await stack.stop();
  });

  it('signs the author in once, and still works seconds later on a clock 1,440 times faster', { timeout: 60_000 }, async () => {
    const link = /Console: +(http:\/\/\S+\/admin\/sign-in\?t=[\w.-]+)/.exec(stack.output())?.[1];
    if (!link) throw new Error(`no console link in:\n${stack.output()}`);
    expect(stack.output()).toContain('mailed to author@letgo.local');
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // an hour of simulated time
    expect((await fetch(link)).status).toBe(200);
    const t = new URL(link).searchParams.get('t') ?? '';
    const signIn = () => fetch(new URL('/admin/sign-in', link), { method: 'POST', body: new URLSearchParams({ t }), redirect: 'manual' });
    const first = await signIn();
    expect(first.status).toBe(303);
    const cookie = first.headers.get('set-cookie')?.split(';')[0] ?? '';
    expect(await (await fetch(new URL('/admin', link), { headers: { cookie } })).text()).toContain('<h1>Your course</h1>');
    expect((await signIn()).status).toBe(410);
  });
});

describe('npm start with AWS_ENDPOINT_URL_DYNAMODB', () => {
  it('uses that engine, creates the table there and starts no dynalite', { timeout: 180_000 }, async () => {
    const dataDir = newDataDir();
    const table = `own-${randomUUID()}`;
    const stack = await startStack(dataDir, { AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoUrl'), TABLE_NAME: table });
    try {
      expect(stack.output()).toContain(`${inject('dynamoUrl')} (AWS_ENDPOINT_URL_DYNAMODB; dynalite not started)`);
      expect(stack.record).toMatchObject({ dynamoUrl: inject('dynamoUrl'), dynalite: false, tableName: table });
      expect(existsSync(join(dataDir, 'dynamo'))).toBe(false);
      const { Table } = await dynamoClient().send(new DescribeTableCommand({ TableName: table }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      await signUpAndWait(stack.record, 'jo.own-engine@example.com', 'UTC');
      const exported = await runCommand('privacy', ['export', 'jo.own-engine@example.com'], { DATA_DIR: dataDir });
      expect(JSON.parse(exported.stdout || exported.stderr).subscriber.email).toBe('jo.own-engine@example.com');
    } finally {
      await stack.stop();
    }
  });
});
