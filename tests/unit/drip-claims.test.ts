import { describe, expect, it } from 'vitest';
import {
  activate,
  claimLesson,
  isClaimable,
  MAX_ATTEMPTS,
  newPending,
  recordFailure,
  recordSend,
  recordSendFallback,
  REDUCE_AFTER_MS,
  unsubscribe,
  type Subscriber,
} from '../../functions/core/subscriber.js';

/** The drip's transitions on one record: who may advance a reader, and what a failure does. */
const now = new Date('2026-12-01T07:00:00Z');
const consent = { at: now.toISOString(), ip: '192.0.2.1', userAgent: 'test', formVersion: '1' };
const reader = (): Subscriber =>
  activate(newPending({ email: 'r@example.com', timezone: 'Europe/London', sendHour: 8, consent }, 'o', now, 0), now);
const LEASE = 10 * 60_000;
const DAYS = 21;
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);

describe('claims', () => {
  it('a live claim blocks a second runner; an expired one (a crash) is retried', () => {
    const claimed = claimLesson(reader(), 'first', now, LEASE);
    expect(isClaimable(claimed, minutes(9))).toBe(false);
    expect(isClaimable(claimed, minutes(10))).toBe(true);
  });

  it('only the runner whose claim stands advances the reader', () => {
    const first = claimLesson(reader(), 'first', now, LEASE);
    // The first runner stalled past its lease; a second took the lesson over.
    const second = claimLesson(first, 'second', minutes(11), LEASE);
    const late = recordSend(second, { day: 1, at: minutes(12).toISOString(), messageId: 'ses-1' }, DAYS, 'first');
    expect(late.claim?.id).toBe('second');
    expect(late).toMatchObject({ nextDay: 1, due: second.due });
    expect(late.sends.map((send) => send.messageId)).toEqual(['ses-1']);
    const advanced = recordSend(late, { day: 1, at: minutes(12).toISOString(), messageId: 'ses-2' }, DAYS, 'second');
    expect(advanced).toMatchObject({ nextDay: 2, due: Date.parse('2026-12-02T08:00:00Z') });
    expect(advanced.claim).toBeUndefined();
  });

  it('recording the same SES MessageId again changes nothing (a write retried after its reply was lost)', () => {
    const send = { day: 1, at: minutes(1).toISOString(), messageId: 'ses-1' };
    const once = recordSend(claimLesson(reader(), 'c', now, LEASE), send, DAYS, 'c');
    expect(recordSend(once, send, DAYS, 'c')).toBe(once);
    expect(recordSendFallback(once, send, DAYS, 'c')).toBe(once);
  });

  it('the fallback advance records the send and moves the reader a day on, with no zone arithmetic', () => {
    const claimed = claimLesson({ ...reader(), timezone: 'Not/A_Zone' }, 'c', now, LEASE);
    const send = { day: 1, at: minutes(1).toISOString(), messageId: 'ses-1' };
    expect(() => recordSend(claimed, send, DAYS, 'c')).toThrow(/no send time/);
    const after = recordSendFallback(claimed, send, DAYS, 'c');
    expect(after).toMatchObject({ nextDay: 2, due: minutes(1).getTime() + 86_400_000, sends: [send] });
    expect(after.claim).toBeUndefined();
  });

  it('a send for a reader who left meanwhile is recorded, nothing else', () => {
    const left = unsubscribe(claimLesson(reader(), 'c', now, LEASE), minutes(1));
    const after = recordSend(left, { day: 1, at: minutes(2).toISOString(), messageId: 'ses-1' }, DAYS, 'c');
    expect(after).toMatchObject({ status: 'unsubscribed', sends: [{ messageId: 'ses-1' }] });
    // No lesson to come: only the reduction of the record, 30 days after leaving.
    expect(after).not.toHaveProperty('nextDay');
    expect(after.due).toBe(minutes(1).getTime() + REDUCE_AFTER_MS);
    expect(recordFailure(left, minutes(2), 'transient', 'c')).toBe(left);
  });
});

describe('failures', () => {
  it('a transient failure releases the claim and backs off 5 minutes more each try', () => {
    let sub = reader();
    for (const backoff of [5, 10, 15]) {
      sub = recordFailure(claimLesson(sub, 'c', now, LEASE), now, 'transient', 'c');
      expect(sub.due).toBe(minutes(backoff).getTime());
      expect(sub.claim).toBeUndefined();
    }
  });

  it('two timeouts then one rejection do not suppress: only rejections of the address count', () => {
    let sub = reader();
    for (const kind of ['transient', 'transient', 'rejected'] as const) sub = recordFailure(claimLesson(sub, 'c', now, LEASE), now, kind, 'c');
    expect(sub).toMatchObject({ status: 'active', attempts: 1, retries: 2, due: minutes(15).getTime() });
  });

  it('transient failures alone never suppress; the back-off stops growing at an hour', () => {
    let sub = reader();
    for (let i = 0; i < 30; i++) sub = recordFailure(claimLesson(sub, 'c', now, LEASE), now, 'transient', 'c');
    expect(sub).toMatchObject({ status: 'active', due: minutes(60).getTime() });
    expect(sub.attempts).toBeUndefined();
  });

  it('throttling leaves the lesson due as it was, with no try counted', () => {
    const before = reader();
    const after = recordFailure(claimLesson(before, 'c', now, LEASE), minutes(1), 'throttled', 'c');
    expect(after).toMatchObject({ due: before.due, status: 'active' });
    expect(after.attempts).toBeUndefined();
  });

  it(`an address SES rejects ${MAX_ATTEMPTS} times is suppressed, out of the due index`, () => {
    let sub = reader();
    for (let i = 0; i < MAX_ATTEMPTS; i++) sub = recordFailure(claimLesson(sub, `c${i}`, now, LEASE), now, 'rejected', `c${i}`);
    expect(sub).toMatchObject({ status: 'suppressed', suppressedReason: 'rejected by SES' });
    expect(sub).not.toHaveProperty('nextDay');
    expect(sub.due).toBe(now.getTime() + REDUCE_AFTER_MS); // only to be reduced, 30 days on
  });

  it('a failure reported under a claim that is no longer ours changes nothing', () => {
    const taken = claimLesson(reader(), 'other', now, LEASE);
    expect(recordFailure(taken, now, 'transient', 'mine')).toBe(taken);
  });
});
