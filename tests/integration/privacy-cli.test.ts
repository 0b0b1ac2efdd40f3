import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoStore } from '../../functions/adapters/dynamo-store.js';
import { activate, newPending } from '../../functions/core/subscriber.js';
import { cliEnv, dynamoClient, freshTable } from '../support/engines.js';

/** The author's command line, run as a user would, against the local engines. */
const run = promisify(execFile);
let env: NodeJS.ProcessEnv;
let tableName: string;

beforeAll(async () => {
  tableName = await freshTable(dynamoClient());
  env = cliEnv(tableName, mkdtempSync(join(tmpdir(), 'letgo-privacy-')));
  const now = new Date('2026-12-01T12:00:00Z');
  const consent = { at: now.toISOString(), ip: '203.0.113.9', userAgent: 'cli-test', formVersion: '1' };
  const sub = newPending({ email: 'cli.reader@example.com', timezone: 'UTC', sendHour: 8, consent }, 'o', now, 0);
  await createDynamoStore(dynamoClient(), tableName).put(activate(sub, now), null);
});

const privacy = (...args: string[]) => run('npx', ['tsx', 'scripts/privacy.ts', ...args], { env }).catch((error: { code: number; stdout: string; stderr: string }) => error);

describe('npm run privacy', () => {
  it('exports one address as JSON, consent included', async () => {
    const result = (await privacy('export', 'CLI.Reader@example.com')) as { stdout: string; stderr: string };
    const { stdout } = result;
    if (!stdout) throw new Error(result.stderr);
    expect(JSON.parse(stdout).subscriber).toMatchObject({ email: 'cli.reader@example.com', consent: { ip: '203.0.113.9' } });
  });

  it('refuses to delete without --yes, then deletes', async () => {
    const refused = (await privacy('delete', 'cli.reader@example.com')) as { code: number; stderr: string };
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const done = (await privacy('delete', 'cli.reader@example.com', '--yes')) as { stdout: string };
    expect(done.stdout).toContain('deleted all data');
    expect(await createDynamoStore(dynamoClient(), tableName).get('cli.reader@example.com')).toBeUndefined();
    const missing = (await privacy('export', 'cli.reader@example.com')) as { code: number; stderr: string };
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no data is held');
  });

  it('explains its usage on a bad call', async () => {
    const bad = (await privacy('erase')) as { code: number; stderr: string };
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('usage: npm run privacy');
  });
});
