import { beforeEach, describe, expect, it } from 'vitest';
import type { Tally, Vote } from '../../functions/core/counters.js';
import { memoryTableScan } from '../../functions/adapters/table-scans.js';
import { recount } from '../../functions/services/recount.js';
import type { CounterStore, VoteStore } from '../../functions/ports.js';
import { changePreferences } from '../../functions/services/preferences.js';
import { sendDue } from '../../functions/services/send-due.js';
import { httpHarness, linksOf, parseMail } from '../support/fixtures.js';

/** "Was today's step helpful?": two links in every lesson, a page on GET, the vote on POST. */
const NOW = '2026-12-01T12:00:00.000Z';
let h: ReturnType<typeof httpHarness>;
beforeEach(() => {
  h = httpHarness(NOW);
});

const lesson = (key: string) => (h.deps.counters as CounterStore & { all(): Tally }).all().get(key) ?? {};

/** A confirmed reader who got day 1; returns the helpful links of that lesson. */
async function dayOne() {
  await h.form('/subscribe', { email: 'gus@example.com', timezone: 'UTC' });
  const { confirm } = await h.lastMail();
  await h.form('/confirm', { t: confirm ?? '' });
  await sendDue(h.deps);
  const mail = await parseMail(h.mailer.sent.at(-1)?.raw ?? '');
  const link = (label: string) => {
    const found = new RegExp(`${label}:\\n(https://letgo\\.test/helpful\\?t=([\\w.-]+))`).exec(mail.text ?? '');
    if (!found?.[2]) throw new Error(`no "${label}" link in the lesson`);
    return found[2];
  };
  expect(mail.html).toContain('Was today’s step helpful?');
  return { yes: link('Yes'), no: link('Not really') };
}

const vote = (token: string, fields: Record<string, string>) => h.form('/helpful', { t: token, ...fields });

describe('/helpful', () => {
  it('GET shows the answer the link stands for, chosen, and records nothing', async () => {
    const { yes, no } = await dayOne();
    for (const [token, value] of [[yes, 'yes'], [no, 'no']] as const) {
      const res = await h.app.request(`/helpful?t=${token}`);
      expect(res.status).toBe(200);
      const page = await res.text();
      expect(page).toContain(`<input type="radio" name="choice" value="${value}" checked>`);
      expect(page).toContain('<label for="comment">Anything to add?');
    }
    expect(await h.deps.votes?.get((await h.store.get('gus@example.com'))!.linkId!, 1)).toBeUndefined();
    expect(lesson('lesson:1')).toEqual({ sent: 1, reached: 1 });
  });

  it('POST records one vote per reader and lesson; a second replaces it and the counts follow', async () => {
    const { yes } = await dayOne();
    const unanswered = await (await h.app.request(`/helpful?t=${yes}`)).text();
    expect((await vote(yes, { choice: 'yes' })).status).toBe(200);
    expect(lesson('lesson:1')).toEqual({ sent: 1, reached: 1, yes: 1 });
    const res = await vote(yes, { choice: 'no', comment: '  Too much for a Monday.\r\n' });
    expect(await res.text()).toContain('Your answer is in.');
    expect(lesson('lesson:1')).toEqual({ sent: 1, reached: 1, no: 1 });
    expect(await h.deps.votes?.comments([1])).toEqual([expect.objectContaining({ day: 1, choice: 'no', comment: 'Too much for a Monday.' })]);
    // Whoever holds a forwarded lesson learns nothing from the link: the page is the one before any answer.
    expect(await (await h.app.request(`/helpful?t=${yes}`)).text()).toBe(unanswered);
    expect(unanswered).toContain('sending again replaces an earlier one');
    await vote(yes, { choice: 'yes' });
    expect(lesson('lesson:1')).toEqual({ sent: 1, reached: 1, yes: 1 });
    expect(await h.deps.votes?.comments([1])).toEqual([]);
  });

  it('an erased reader\'s answers and comments go with them; the counts stay', async () => {
    const { no } = await dayOne();
    await vote(no, { choice: 'no', comment: 'My name is Gus and today was awful.' });
    const { deleteByAddress, exportByAddress } = await import('../../functions/services/privacy.js');
    // Their own data while they are here: the export holds their answers.
    expect((await exportByAddress(h.deps, 'gus@example.com')).helpfulAnswers).toEqual([
      { lesson: 1, answer: 'not really', comment: 'My name is Gus and today was awful.', at: NOW },
    ]);
    const sub = (await h.store.get('gus@example.com'))!;
    await deleteByAddress(h.deps, 'gus@example.com');
    expect(await h.deps.votes?.get(sub.linkId!, 1)).toBeUndefined();
    expect(await h.deps.votes?.comments([1])).toEqual([]);
    expect(lesson('lesson:1')).toMatchObject({ no: 1, k_no: 1 });
    // A recount over what is left agrees: the answer is kept, nothing of the reader is.
    const counters = h.deps.counters as CounterStore & { all(): Tally };
    const votes = h.deps.votes as VoteStore & { all(): Vote[] };
    const result = await recount({ counters, scan: memoryTableScan({ records: h.store.all, votes: votes.all, counters: counters.all }) });
    expect(result).toMatchObject({ votes: 0, changed: [] });
  });

  it('refuses a comment over 500 characters, or a missing answer, keeping what was typed', async () => {
    const { yes } = await dayOne();
    const long = 'x'.repeat(501);
    const res = await vote(yes, { choice: 'yes', comment: long });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('Keep your comment to 500 characters.');
    expect(page).toContain(`>${long}</textarea>`);
    expect((await vote(yes, { comment: 'hello' })).status).toBe(400);
    expect(lesson('lesson:1')).toEqual({ sent: 1, reached: 1 });
  });

  it('forged, other-purpose, missing and signed-out links: 4xx, never 5xx, nothing recorded', async () => {
    const { yes } = await dayOne();
    const sub = (await h.store.get('gus@example.com'))!;
    const { preferences } = linksOf(sub);
    for (const token of [`${yes.slice(0, -2)}AA`, preferences, 'broken', '']) {
      expect((await h.app.request(`/helpful?t=${token}`)).status).toBe(400);
      expect((await vote(token, { choice: 'yes' })).status).toBe(400);
    }
    // A JSON body can hold anything where the token goes; none of it is a link (an object whose toString is no function was a 500).
    for (const t of [{ toString: 1 }, { toString: null }, {}, ['x'], 5, null, true]) {
      const res = await h.json('/helpful', { t, choice: 'yes' });
      expect(res.status, JSON.stringify(t)).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid-link' });
    }
    await changePreferences(h.deps, preferences, { action: 'sign-out' });
    expect((await h.app.request(`/helpful?t=${yes}`)).status).toBe(410);
    expect((await vote(yes, { choice: 'yes' })).status).toBe(410);
    expect(lesson('lesson:1')).toEqual({ sent: 1, reached: 1 });
  });
});
