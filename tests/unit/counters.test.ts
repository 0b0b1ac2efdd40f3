import { beforeEach, describe, expect, it } from 'vitest';
import { memoryTableScan } from '../../functions/adapters/table-scans.js';
import { contribution, isoWeek, recordChange, type Tally } from '../../functions/core/counters.js';
import type { CounterStore } from '../../functions/ports.js';
import { changePreferences } from '../../functions/services/preferences.js';
import { deleteByAddress } from '../../functions/services/privacy.js';
import { recount } from '../../functions/services/recount.js';
import { reduceRecord } from '../../functions/services/retention.js';
import { sendDue } from '../../functions/services/send-due.js';
import { httpHarness, linksOf } from '../support/fixtures.js';

/**
 * The course counters through the real services: each state change moves
 * them once it is written, the drip writes a pass's increments once, and
 * whatever happened, a recount over the records gives the same numbers.
 */
const NOW = '2026-12-01T12:00:00.000Z';
const DAY = 24 * 3_600_000;
let h: ReturnType<typeof httpHarness>;
beforeEach(() => {
  h = httpHarness(NOW);
});

const counters = () => (h.deps.counters as CounterStore & { all(): Tally }).all();
const at = (key: string) => counters().get(key) ?? {};
const scan = () => memoryTableScan({ records: h.store.all, votes: () => [], counters: () => counters() });

async function join(email: string) {
  await h.form('/subscribe', { email, timezone: 'UTC', send_hour: '8' });
  const { confirm } = await h.lastMail();
  await h.form('/confirm', { t: confirm ?? '' });
  const sub = await h.store.get(email);
  return linksOf(sub!);
}

/** Drip passes a day apart until `lessons` more lessons have gone out to everyone due. */
async function days(n: number) {
  for (let i = 0; i < n; i++) {
    h.clock.advance(DAY);
    await sendDue(h.deps);
  }
}

/** The counters as a recount would rebuild them from the records (nothing changes). */
async function recounted() {
  const before = counters();
  const result = await recount({ counters: h.deps.counters as CounterStore, scan: scan() });
  return { result, before, after: counters() };
}

describe('course counters', () => {
  it('count a reader from sign-up to leaving, per day, per lesson and per cohort, as a recount does', async () => {
    const links = await join('ann@example.com');
    await days(4); // day 1 at once on the first pass, then 2, 3, 4
    expect(at('day:2026-12-01')).toEqual({ signups: 1, k_signups: 1, confirmations: 1 });
    expect(at('total')).toEqual({ signups: 1, k_signups: 1, confirmations: 1 });
    expect(at('lesson:1')).toEqual({ sent: 1, reached: 1 });
    expect(at(`cohort:${isoWeek(NOW)}`)).toEqual({ confirmed: 1, r1: 1, r2: 1, r3: 1, r4: 1 });
    expect(at('now')).toEqual({ active: 1 });

    await changePreferences(h.deps, links.preferences, { action: 'pause' });
    expect(at('lesson:4')).toEqual({ sent: 1, reached: 1, paused: 1 });
    expect(at('now')).toEqual({ paused: 1 });
    await changePreferences(h.deps, links.preferences, { action: 'restart' });
    expect(at('lesson:4')).toEqual({ sent: 1, reached: 1, paused: 1, restarted: 1 });
    await days(1); // day 1 again: sent twice, reached once
    expect(at('lesson:1')).toEqual({ sent: 2, reached: 1 });
    expect(at(`cohort:${isoWeek(NOW)}`)).toMatchObject({ r1: 1 });

    await h.form('/unsubscribe', { t: links.unsubscribe });
    expect(at('lesson:1')).toEqual({ sent: 2, reached: 1, unsubscribed: 1 });
    expect(at('total')).toMatchObject({ left: 1 });
    expect(at('now')).toEqual({ unsubscribed: 1 });
    const { result, before, after } = await recounted();
    expect(result).toMatchObject({ records: 1, changed: [] });
    expect(after).toEqual(before);
  });

  it('a drip pass writes its increments once, whatever it sent', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) await join(`${name}@example.com`);
    const adds: Tally[] = [];
    const store = h.deps.counters as CounterStore;
    const deps = { ...h.deps, counters: { ...store, add: async (tally: Tally) => void adds.push(tally) } };
    expect(await sendDue(deps)).toMatchObject({ sent: 5 });
    expect(adds).toHaveLength(1);
    expect(adds[0]?.get('lesson:1')).toEqual({ sent: 5, reached: 5 });
    // Nothing due: nothing written.
    expect(await sendDue(deps)).toMatchObject({ sent: 0 });
    expect(adds).toHaveLength(1);
  });

  it('a change that is refused counts nothing', async () => {
    await h.form('/subscribe', { email: 'ben@example.com', timezone: 'UTC', send_hour: '8' });
    const before = counters();
    const pending = await h.store.get('ben@example.com');
    await expect(changePreferences(h.deps, linksOf(pending!).preferences, { action: 'pause' })).rejects.toThrow(/confirm/);
    expect(counters()).toEqual(before);
  });

  it('an erased reader leaves their history in the counters (kept), and the recount keeps it too', async () => {
    await join('cat@example.com');
    const links = await join('dan@example.com');
    await days(2);
    await changePreferences(h.deps, links.preferences, { action: 'pause' });
    expect(await deleteByAddress(h.deps, 'dan@example.com')).toBe(true);
    expect(at('lesson:2')).toEqual({ sent: 2, reached: 2, paused: 1, k_sent: 1, k_reached: 1, k_paused: 1, deleted: 1, k_deleted: 1 });
    expect(at('now')).toEqual({ active: 1 });
    expect(at(`day:${h.clock.now().toISOString().slice(0, 10)}`)).toEqual({ deletions: 1, k_deletions: 1 });
    const { result, before, after } = await recounted();
    expect(result.changed).toEqual([]);
    expect(after).toEqual(before);
  });

  it('a reader reduced after leaving, or signing up again, keeps the old subscription in the counters', async () => {
    const links = await join('eve@example.com');
    await days(3);
    await h.form('/unsubscribe', { t: links.unsubscribe });
    h.clock.advance(DAY);
    await join('eve@example.com'); // a new double opt-in over the unsubscribed record
    expect(at('lesson:3')).toEqual({ sent: 1, reached: 1, unsubscribed: 1, k_sent: 1, k_reached: 1, k_unsubscribed: 1 });
    expect(at('day:2026-12-01')).toMatchObject({ signups: 1, confirmations: 1, k_confirmations: 1 });
    expect(at('now')).toEqual({ active: 1 });
    expect((await recounted()).result.changed).toEqual([]);

    const fresh = await h.store.get('eve@example.com');
    await h.form('/unsubscribe', { t: linksOf(fresh!).unsubscribe });
    const left = await h.store.get('eve@example.com');
    expect(await reduceRecord(h.deps, left!)).toBe(true);
    expect(at('now')).toEqual({});
    expect(at('lesson:1')).toMatchObject({ unsubscribed: 1, k_unsubscribed: 1 });
    expect((await recounted()).result.changed).toEqual([]);
  });

  it('the recount repairs counters that drifted (a lost write, a crash between the write and its count)', async () => {
    await join('fay@example.com');
    await days(2);
    const right = counters();
    await h.deps.counters?.add(new Map<string, Record<string, number>>([['lesson:2', { sent: -1 }], ['now', { paused: 3 }]]));
    const { result, after } = await recounted();
    expect(result.changed.map((c) => c.key).sort()).toEqual(['lesson:2', 'now']);
    expect(after).toEqual(right);
  });

  it('contribution counts only the subscription since its confirmation', () => {
    const sub = { email: 'x@example.com', status: 'active', timezone: 'UTC', sendHour: 8, optinId: 'o', createdAt: NOW, consent: { at: NOW, ip: '', userAgent: '', formVersion: '' }, version: 1,
      confirmedAt: '2026-12-10T00:00:00.000Z', sends: [{ day: 5, at: '2026-11-20T08:00:00.000Z', messageId: 'old' }, { day: 1, at: '2026-12-10T00:01:00.000Z', messageId: 'new' }] } as const;
    expect(contribution({ ...sub, sends: [...sub.sends] }).get('lesson:5')).toBeUndefined();
    expect(contribution({ ...sub, sends: [...sub.sends] }).get('lesson:1')).toEqual({ sent: 1, reached: 1 });
    expect(recordChange(undefined, undefined).size).toBe(0);
  });
});
