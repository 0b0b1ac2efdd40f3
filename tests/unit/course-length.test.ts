import { describe, expect, it } from 'vitest';
import { courseSpan } from '../../functions/core/course-length.js';
import type { CompiledCourse } from '../../functions/core/message.js';
import { activate, claimLesson, newPending, recordSend, scheduled, type Subscriber } from '../../functions/core/subscriber.js';
import { createApp } from '../../functions/http/app.js';
import { changePreferences } from '../../functions/services/preferences.js';
import { sendDue } from '../../functions/services/send-due.js';
import { compiledCourse, linksOf, memoryDeps, putLinked, testLinkIds } from '../support/fixtures.js';

/**
 * The course's length comes from the compiled course (content/ decides), never from a constant:
 * the drip completes a reader after the last lesson there is, restart and the pages count it, and a
 * deploy that shortens the course finishes readers already past its new end without a send.
 */
const EMAIL = 'reader@example.com';
const START = '2026-06-01T06:00:00Z';
const consent = { at: START, ip: '192.0.2.1', userAgent: 'test', formVersion: '1' };
const shortCourse = (days: number): CompiledCourse => ({ ...compiledCourse, totalDays: days, lessons: compiledCourse.lessons.slice(0, days) });
const token = linksOf(testLinkIds()).preferences;

async function readerAt(course: CompiledCourse, nextDay: number, sentDays: number) {
  const env = memoryDeps(START, { course });
  const now = new Date(START);
  const active = activate(newPending({ email: EMAIL, timezone: 'Europe/London', sendHour: 8, consent }, 'optin', now, 0, testLinkIds()), now);
  const sends = Array.from({ length: sentDays }, (_, i) => ({ day: i + 1, at: new Date(now.getTime() - (sentDays - i) * 86_400_000).toISOString(), messageId: `m${i + 1}` }));
  await putLinked(env.store, scheduled({ ...active, sends }, nextDay, now.getTime()));
  return env;
}
const record = async (env: ReturnType<typeof memoryDeps>) => (await env.store.get(EMAIL)) as Subscriber;

describe('any course length', () => {
  it('completes a reader after the last lesson of the course they are on, whatever its length', () => {
    const claimed = claimLesson({ ...activate(newPending({ email: EMAIL, timezone: 'UTC', sendHour: 8, consent }, 'o', new Date(START), 0), new Date(START)), nextDay: 5 }, 'c', new Date(START), 60_000);
    const send = { day: 5, at: START, messageId: 'm5' };
    expect(recordSend(claimed, send, 5, 'c')).toMatchObject({ status: 'completed', completedAt: START });
    expect(recordSend(claimed, send, 21, 'c')).toMatchObject({ status: 'active', nextDay: 6 });
  });

  it('sends the published lesson to a reader the new course still has, then finishes them at its end', async () => {
    const env = await readerAt(shortCourse(5), 4, 3);
    expect(await sendDue(env.deps)).toMatchObject({ sent: 1 });
    env.clock.advance(26 * 3_600_000);
    expect(await sendDue(env.deps)).toMatchObject({ sent: 1 });
    expect(env.mailer.sent.map((m) => m.raw.match(/^Day (\d+) of \d+\r$/m)?.[1])).toEqual(['4', '5']);
    expect(await record(env)).toMatchObject({ status: 'completed' });
  });

  it('finishes, without a send, a reader whose next lesson a shorter deploy no longer has; what they had stays', async () => {
    const env = await readerAt(shortCourse(5), 8, 7);
    const summary = await sendDue(env.deps);
    expect(summary).toMatchObject({ claimed: 0, sent: 0, failed: 0 });
    expect(env.mailer.sent).toEqual([]);
    const after = await record(env);
    expect(after).toMatchObject({ status: 'completed', completedAt: new Date(START).toISOString() });
    expect(after).not.toHaveProperty('nextDay');
    expect(after).not.toHaveProperty('dueShard');
    expect(after.sends.map((s) => s.day)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    env.clock.advance(3 * 86_400_000);
    expect((await sendDue(env.deps)).sent).toBe(0);
  });

  it('restarts a finished course from one past its last day, and counts its days on the pages', async () => {
    const env = await readerAt(shortCourse(5), 5, 4);
    const app = createApp(env.deps);
    const page = async (path: string) => (await app.request(path)).text();
    expect(await page(`/preferences?t=${token}`)).toContain('You have had 4 of 5 lessons.');
    expect(await page(`/preferences?t=${token}`)).toContain('Start the 5 days again from day 1.');
    expect(await page('/')).toContain('One short email a day for 5 days,');
    expect(await page('/')).toContain('<title>Join the 5-day course · Let Go</title>');
    await sendDue(env.deps);
    expect(await record(env)).toMatchObject({ status: 'completed' });
    expect(await page(`/preferences?t=${token}`)).toContain('You finished all 5 days.');
    const restarted = await changePreferences(env.deps, token, { action: 'restart' });
    expect(restarted).toMatchObject({ status: 'active', nextDay: 1, restarts: [{ fromDay: 6 }] });
  });

  it('names the length in weeks when it is whole weeks, in days otherwise', () => {
    expect([1, 5, 7, 14, 21, 30, 56, 60].map(courseSpan)).toEqual(
      ['1 day', '5 days', 'one week', 'two weeks', 'three weeks', '30 days', 'eight weeks', '60 days']);
  });
});
