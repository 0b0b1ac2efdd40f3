import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signupSchema } from '../../functions/http/validation.js';
import { sendDue } from '../../functions/services/send-due.js';
import { httpHarness } from '../support/fixtures.js';

/**
 * The phisher types a message into the name field so that the course's own
 * domain delivers it. Names are letters (any script) only, and nobody is
 * greeted by name before they have confirmed the address is theirs.
 */
const NOW = '2026-12-01T12:00:00.000Z';
const name = (value: string) => signupSchema.safeParse({ email: 'reader@example.com', first_name: value });

describe('the phisher', () => {
  it('cannot put text that reads as a link or an address into the name', () => {
    for (const bad of [
      'there! Your account is locked, reset at evil.example/r',
      'evil.example',
      'a@b.example',
      'https://x',
      'www.example.com',
      'Call 555 0100',
      'Bob/Alice',
      'x:y',
      'Ann.',
      'Ann\u2024example', // ONE DOT LEADER, a dot look-alike
      'Ann\uff0eexample', // FULLWIDTH FULL STOP
      'A\uD800nn', // a lone surrogate is refused, never stored
      'Ann\u202Eevil', // bidi override
      'Ann\u0000',
    ]) {
      expect(name(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('accepts names in any script, with the joiners and marks scripts need', () => {
    for (const good of ['Ann', 'José', 'Zoë', 'Nguyễn Thị', 'Łukasz', "O'Brien", 'O’Neill', 'Anne-Marie', 'محمد', 'अर्जुन', 'ശ്രീ\u200Dകുമാർ', 'می\u200Cخواهم', '李小龍', 'Ærøskøbing', 'Μαρία']) {
      expect(name(good).success, good).toBe(true);
    }
  });

  it('whatever is accepted holds no dot, @, slash, colon, digit or lone surrogate', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (value) => {
        const parsed = name(value);
        if (!parsed.success || parsed.data.first_name === undefined) return;
        expect(parsed.data.first_name).not.toMatch(/[.@/:\d]/);
        // No lone surrogate: encoding to UTF-8 and back changes nothing.
        expect(Buffer.from(parsed.data.first_name, 'utf8').toString('utf8')).toBe(parsed.data.first_name);
      }),
      { numRuns: 3000 },
    );
  });

  it('the confirmation greets no one by name; lessons do once the address is confirmed', async () => {
    const h = httpHarness(NOW);
    await h.form('/subscribe', { email: 'reader@example.com', first_name: 'Ann' });
    const confirmation = await h.lastMail();
    expect(confirmation.mail.text).toMatch(/^Hi,$/m);
    expect(`${confirmation.mail.text}${confirmation.mail.html}`).not.toContain('Ann');
    await h.form('/confirm', { t: confirmation.confirm! });
    await sendDue(h.deps);
    const lesson = await h.lastMail();
    expect(lesson.mail.text).toContain('Hi Ann,');
  });

  it('a reader edits their name on the preferences page; a refused name stays in the field with its message', async () => {
    const h = httpHarness(NOW);
    await h.form('/subscribe', { email: 'reader@example.com', first_name: 'Someone Else' });
    await h.form('/confirm', { t: (await h.lastMail()).confirm! });
    await sendDue(h.deps);
    const { preferences } = await h.lastMail();
    const refused = await h.form('/preferences', { t: preferences!, action: 'name', first_name: 'Ann at evil.example' });
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain('value="Ann at evil.example"');
    expect(page).toContain('Use letters for your first name');
    const saved = await h.form('/preferences', { t: preferences!, action: 'name', first_name: 'Ann' });
    expect(saved.status).toBe(303);
    expect(h.store.all()[0]?.firstName).toBe('Ann');
    await h.form('/preferences', { t: preferences!, action: 'name', first_name: '' });
    expect(h.store.all()[0]?.firstName).toBeUndefined();
  });
});
