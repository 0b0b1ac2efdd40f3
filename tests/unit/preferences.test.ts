import { describe, expect, it } from 'vitest';
import { activate, newPending, type Subscriber } from '../../functions/core/subscriber.js';
import { changePreferences } from '../../functions/services/preferences.js';
import { sendDue } from '../../functions/services/send-due.js';
import { linksOf, memoryDeps, putLinked, testLinkIds } from '../support/fixtures.js';

/** Pause, resume, restart and a new send hour, through the service and the real drip. */
const EMAIL = 'reader@example.com';
const zone = 'Europe/London';
const token = linksOf(testLinkIds()).preferences;

async function enrolled(start = '2026-06-01T06:00:00Z') {
  const env = memoryDeps(start);
  const consent = { at: start, ip: '192.0.2.1', userAgent: 'test', formVersion: '1' };
  const pending = newPending({ email: EMAIL, timezone: zone, sendHour: 8, consent }, 'optin', new Date(start), 0, testLinkIds());
  await putLinked(env.store, activate(pending, new Date(start)));
  return env;
}

const hours = (n: number) => n * 3_600_000;
const record = async (env: Awaited<ReturnType<typeof enrolled>>) => (await env.store.get(EMAIL)) as Subscriber;
const sentDays = async (env: Awaited<ReturnType<typeof enrolled>>) => (await record(env)).sends.map((send) => send.day);

/** Runs the drip every hour for `n` hours. */
async function runHours(env: Awaited<ReturnType<typeof enrolled>>, n: number) {
  for (let i = 0; i < n; i++) {
    env.clock.advance(hours(1));
    await sendDue(env.deps);
  }
}

describe('reader preferences', () => {
  it('pauses for 7 days, then resumes by itself at the send hour', async () => {
    const env = await enrolled();
    await sendDue(env.deps); // day 1 at 06:00 UTC (07:00 BST)
    await runHours(env, 26); // day 2 at 08:00 BST on 2 June
    expect(await sentDays(env)).toEqual([1, 2]);
    const paused = await changePreferences(env.deps, token, { action: 'pause' });
    expect(paused).toMatchObject({ status: 'paused', pausedUntil: '2026-06-09T08:00:00.000Z' });
    await runHours(env, 24 * 7 - 2);
    expect(await sentDays(env)).toEqual([1, 2]);
    await runHours(env, 26);
    const after = await record(env);
    expect(after.sends.map((send) => send.day)).toEqual([1, 2, 3]);
    expect(after.sends[2]?.at).toBe('2026-06-10T07:00:00.000Z'); // 08:00 BST, the first send hour after the pause
    expect(after.status).toBe('active');
  });

  it('resumes early on request, at the next send hour', async () => {
    const env = await enrolled();
    await sendDue(env.deps);
    await changePreferences(env.deps, token, { action: 'pause' });
    env.clock.advance(hours(30));
    const resumed = await changePreferences(env.deps, token, { action: 'resume' });
    expect(resumed.status).toBe('active');
    expect(new Date(resumed.due ?? 0).toISOString()).toBe('2026-06-03T07:00:00.000Z');
  });

  it('restarts from day 1 at the next send hour and keeps the history', async () => {
    const env = await enrolled();
    await sendDue(env.deps);
    await runHours(env, 26 + 24);
    expect(await sentDays(env)).toEqual([1, 2, 3]);
    const restarted = await changePreferences(env.deps, token, { action: 'restart' });
    expect(restarted).toMatchObject({ status: 'active', nextDay: 1, restarts: [{ fromDay: 4 }] });
    await runHours(env, 24);
    expect(await sentDays(env)).toEqual([1, 2, 3, 1]);
  });

  it('a new send hour applies from the next lesson, never within 8 hours of the last', async () => {
    const env = await enrolled();
    await sendDue(env.deps); // 07:00 BST
    const changed = await changePreferences(env.deps, token, { action: 'schedule', sendHour: 20, timezone: 'America/New_York' });
    // 20:00 New York on 1 June is 00:00 UTC on 2 June: 18 hours after the last send.
    expect(new Date(changed.due ?? 0).toISOString()).toBe('2026-06-02T00:00:00.000Z');
    const earlier = await changePreferences(env.deps, token, { action: 'schedule', sendHour: 9, timezone: zone });
    expect(new Date(earlier.due ?? 0).toISOString()).toBe('2026-06-02T08:00:00.000Z');
  });

  it('saving the schedule unchanged while a lesson is due keeps it due, not a day later', async () => {
    const env = await enrolled();
    await sendDue(env.deps); // day 1 at 07:00 BST on 1 June
    env.clock.advance(hours(25) + 2 * 60_000); // 08:02 BST on 2 June: day 2 is due since 08:00
    const due = (await record(env)).due;
    expect(new Date(due ?? 0).toISOString()).toBe('2026-06-02T07:00:00.000Z');
    const saved = await changePreferences(env.deps, token, { action: 'schedule', sendHour: 8, timezone: zone });
    expect(saved.due).toBe(due);
    expect((await changePreferences(env.deps, token, { action: 'schedule' })).due).toBe(due);
    await sendDue(env.deps);
    expect(await sentDays(env)).toEqual([1, 2]);
  });

  it('refuses what does not fit the state, clearly', async () => {
    const env = await enrolled();
    await env.store.put({ ...(await record(env)), status: 'unsubscribed' }, 1);
    await expect(changePreferences(env.deps, token, { action: 'pause' })).rejects.toMatchObject({ code: 'gone' });
    await expect(changePreferences(env.deps, 'v1.k2.garbage', { action: 'pause' })).rejects.toMatchObject({ code: 'invalid-link' });
  });
});
