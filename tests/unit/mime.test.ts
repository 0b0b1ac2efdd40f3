import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../functions/core/mime.js';
import { compiledCourse, headerValue } from '../support/fixtures.js';

/** The send path's MIME: a skeleton built once by mimetext, reader values spliced in as quoted-printable. */
const lesson = compiledCourse.lessons[12];
if (!lesson) throw new Error('no day 13');
const values = {
  greeting: 'Hi Zoë <b>&</b> "friends",',
  unsubscribeUrl: 'https://letgo.test/unsubscribe?t=v1.k1.abc_DEF-123==',
  preferencesUrl: 'https://letgo.test/preferences?t=v1.k1.xyz',
};
const compose = (to = 'zoe@example.com') =>
  composeMessage(lesson, { from: 'Let Go <course@letgo.test>', to, date: new Date('2027-03-08T12:00:00Z'), unsubscribeMailto: 'mailto:u@letgo.test', values });

describe('composeMessage', () => {
  it('decodes to exactly the filled template, with the reader values escaped in HTML only', async () => {
    const mail = await simpleParser(compose());
    expect(mail.text).toContain('Hi Zoë <b>&</b> "friends",');
    expect(mail.text).toContain(values.unsubscribeUrl);
    expect(mail.html).toContain('Hi Zoë &lt;b&gt;&amp;&lt;/b&gt; &quot;friends&quot;,');
    expect(mail.html).toContain(`href="${values.preferencesUrl}"`);
    expect(mail.subject).toBe(lesson.subject);
    expect(mail.date?.toISOString()).toBe('2027-03-08T12:00:00.000Z');
    expect(headerValue(mail, 'List-Unsubscribe')).toBe(`<${values.unsubscribeUrl}>, <mailto:u@letgo.test>`);
    expect(headerValue(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('zoe@example.com');
  });

  it('keeps every line within the 998-octet limit (and QP lines within 78), CRLF only', () => {
    const raw = compose();
    expect(raw).not.toMatch(/[^\r]\n/);
    const lines = raw.split('\r\n');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(998);
    const body = raw.slice(raw.indexOf('\r\n\r\n')).split('\r\n');
    expect(Math.max(...body.map((line) => line.length))).toBeLessThanOrEqual(78);
  });

  it('round-trips any link or greeting through the quoted-printable splice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom('=', 'a', 'Z', '9', '-', '_', '.', '/', '?', '&', '%'), minLength: 1, maxLength: 400 }),
        fc.string({ maxLength: 80 }),
        async (tail, name) => {
          const url = `https://letgo.test/preferences?t=${tail}`;
          const raw = composeMessage(lesson, {
            from: 'Let Go <course@letgo.test>', to: 'r@example.com', date: new Date(0), unsubscribeMailto: 'mailto:u@letgo.test',
            values: { ...values, greeting: `Hi ${name},`, preferencesUrl: url },
          });
          const mail = await simpleParser(raw);
          expect(mail.text).toContain(`Hi ${name.replace(/\r\n?/g, '\n')},`);
          expect(mail.text).toContain(url);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives every message its own Message-ID and refuses a line break in a header', () => {
    const id = (raw: string) => raw.match(/^Message-ID: (.+)$/m)?.[1];
    expect(id(compose())).not.toBe(id(compose()));
    expect(() => compose('a@example.com\r\nBcc: b@example.com')).toThrow(/line break/);
  });
});
