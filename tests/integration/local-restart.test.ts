import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, describe, expect, it } from 'vitest';
import { confirmFrom, mailbox, newDataDir, removeDataDirs, signUpAndWait, startAndWaitForExit, startStack, waitForEmail, type Stack } from './local-process.js';

/**
 * `npm start` stopped and started again on the same .data/: the mailbox keeps its mail,
 * the fast clock carries on where it stopped, and a second start is refused in one line.
 */
const dataDir = newDataDir();
// A course day every 8.6 s, and the drip on its timer, as a person runs it.
const FAST = { CLOCK_SPEED: '10000', SCHEDULER: 'on' };
const running: Stack[] = [];
const start = async (env: Record<string, string>, args: string[] = []) => {
  const stack = await startStack(dataDir, env, args);
  running.push(stack);
  return stack;
};
const savedClock = () => JSON.parse(readFileSync(join(dataDir, 'clock.json'), 'utf8')) as { simulatedNow: string };

afterAll(async () => {
  for (const stack of running) if (stack.child.exitCode === null) await stack.crash();
  removeDataDirs();
});

describe('npm start on the same data dir, again', () => {
  let first: Stack;
  let firstMail: Awaited<ReturnType<typeof signUpAndWait>>;

  it('refuses a second start with one line naming the running one', { timeout: 240_000 }, async () => {
    first = await start(FAST);
    const second = await startAndWaitForExit(dataDir, FAST);
    expect(second.code).toBe(1);
    const lines = second.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('already running');
    expect(lines[0]).toContain(`pid ${first.record.pid}`);
    expect(lines[0]).toContain(first.record.baseUrl);
    expect(lines[0]).toContain(first.record.sesUrl);
  });

  it('shows each email at its simulated send time in the reader’s zone', { timeout: 60_000 }, async () => {
    firstMail = await signUpAndWait(first.record, 'kim.restart@example.com', 'Asia/Tokyo');
    expect(firstMail.sentAt).toBeDefined();
    // The fast clock had run for a while: the Date header is well ahead of the real time.
    expect(Date.parse(firstMail.sentAt as string)).toBeGreaterThan(Date.now() + 60_000);
    const page = await (await fetch(`${first.record.sesUrl}/`)).text();
    const inTokyo = DateTime.fromISO(firstMail.sentAt as string).setZone('Asia/Tokyo').toFormat('ccc d LLL yyyy, HH:mm');
    expect(page).toContain(firstMail.subject);
    expect(page).toContain(`${inTokyo} in Asia/Tokyo`);
    const one = await (await fetch(`${first.record.sesUrl}/email/${firstMail.messageId}`)).text();
    expect(one).toContain('<iframe');
    expect(one).toContain('Plain-text part');

    await confirmFrom(first.record, firstMail);
    expect((await waitForEmail(first.record, 'kim.restart@example.com', 1)).body.text).toContain('Day 1 of');
  });

  it('keeps the mail and carries on the clock after a restart', { timeout: 240_000 }, async () => {
    expect(await first.stop()).toBe(0);
    expect(existsSync(join(dataDir, 'stack.json'))).toBe(false);
    const stoppedAt = Date.parse(savedClock().simulatedNow);
    expect(stoppedAt).toBeGreaterThanOrEqual(Date.parse(firstMail.sentAt as string));

    const again = await start(FAST);
    expect(again.output()).toContain('resumed at');
    expect(again.output()).toContain('2 emails kept');
    const kept = (await mailbox(again.record)).find((mail) => mail.messageId === firstMail.messageId);
    expect(kept).toMatchObject({ subject: firstMail.subject, sentAt: firstMail.sentAt });
    expect(await (await fetch(`${again.record.sesUrl}/`)).text()).toContain(firstMail.subject);

    // The course carries on: day 2 comes on the resumed clock, after the day the reader had reached.
    const day2 = await waitForEmail(again.record, 'kim.restart@example.com', 2, 120_000);
    expect(day2.body.text).toContain('Day 2 of');
    expect(Date.parse(day2.sentAt as string)).toBeGreaterThanOrEqual(stoppedAt);

    const next = await signUpAndWait(again.record, 'lee.restart@example.com', 'Europe/Berlin');
    expect(Date.parse(next.sentAt as string)).toBeGreaterThanOrEqual(stoppedAt);
    await again.stop();
  });

  it('after a crash starts again; at real speed keeps the fast run’s lead; --reset-clock starts over', { timeout: 300_000 }, async () => {
    const crashed = await start(FAST);
    await crashed.crash();
    // Its record is left behind, naming a process that is gone: that is no stack.
    expect(existsSync(join(dataDir, 'stack.json'))).toBe(true);
    const lead = Date.parse(savedClock().simulatedNow) - Date.now();
    expect(lead).toBeGreaterThan(60 * 60_000);

    const realSpeed = await start({ CLOCK_SPEED: '1' });
    expect(realSpeed.output()).toContain('the lead of the last fast run');
    const ahead = await signUpAndWait(realSpeed.record, 'ash.restart@example.com', 'UTC');
    expect(Date.parse(ahead.sentAt as string) - Date.now()).toBeGreaterThan(lead - 5 * 60_000);
    await realSpeed.stop();

    const reset = await start({ CLOCK_SPEED: '1' }, ['--reset-clock']);
    expect(reset.output()).toContain('reset to the real clock');
    const now = await signUpAndWait(reset.record, 'max.restart@example.com', 'UTC');
    expect(Math.abs(Date.parse(now.sentAt as string) - Date.now())).toBeLessThan(60_000);
    expect((await mailbox(reset.record)).length).toBeGreaterThanOrEqual(6);
    await reset.stop();
  });
});
