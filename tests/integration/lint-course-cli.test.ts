import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `npm run lint:course` as CI runs it: errors fail the command, warnings do not; each finding names file and line. */
const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;
const run = () => spawnSync('npx', ['tsx', 'scripts/lint-course.ts', '--content', dir, '--no-spam'], { cwd: ROOT, encoding: 'utf8' });

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'letgo-lint-cli-'));
  cpSync(path.join(ROOT, 'content'), dir, { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run lint:course', () => {
  it('passes with warnings only, saying what it skipped', () => {
    // A subject a lock screen cuts (over about 40 characters) is a warning, not an error.
    const file = path.join(dir, 'day-01.md');
    const subject = 'A quieter first day, and the three weeks ahead';
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^subject: .*$/m, `subject: "${subject}"`));
    const result = run();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^day-01 +\S/m);
    expect(result.stdout).toMatch(/\d+ words \(\d min\) · HTML \d+\.\d KB/);
    expect(result.stdout).toContain(`${file}:3: warning: subject is ${subject.length} characters`);
    expect(result.stdout).toContain('skipped: spam scores: --no-spam');
    expect(result.stdout).toMatch(/\n0 errors, \d+ warnings? in 26 emails\n$/);
  }, 60_000);

  it('fails on an error, naming the file and line', () => {
    const file = path.join(dir, 'day-02.md');
    writeFileSync(file, `${readFileSync(file, 'utf8').trimEnd()}\n\nRead [this](/elsewhere) later.\n`);
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('/elsewhere')) + 1;
    const result = run();
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`${path.join(dir, 'day-02.md')}:${line}: error: link "/elsewhere" is not absolute`);
    expect(result.stdout).toMatch(/\n1 error, \d+ warnings? in 26 emails\n$/);
  }, 60_000);
});
