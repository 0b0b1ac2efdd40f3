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
  helpfulYesUrl: 'https://letgo.test/helpful?t=k1.yes_yes-yes',
  helpfulNoUrl: 'https://letgo.test/helpful?t=k1.no_no-no',
  safetyUrl: 'https://letgo.test/safety',
  authorName: 'Robin from Let Go',
};
const sender = { from: 'Let Go <course@letgo.test>', replyTo: 'Robin <robin@letgo.test>', unsubscribeMailto: 'mailto:u@letgo.test' };
const compose = (to = 'zoe@example.com', template = lesson, from = sender) =>
  composeMessage(template, { ...from, to, date: new Date('2027-03-08T12:00:00Z'), values });
/** One header as it stands in the raw message, folded lines and all. */
const rawHeader = (raw: string, name: string): string | undefined =>
  raw.slice(0, raw.indexOf('\r\n\r\n')).match(new RegExp(`^${name}: .*(?:\r\n[ \t].*)*`, 'im'))?.[0];

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
            ...sender, to: 'r@example.com', date: new Date(0),
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
    expect(() => compose('a@example.com', lesson, { ...sender, replyTo: 'r@letgo.test\r\nBcc: b@example.com' })).toThrow(/line break/);
    expect(() => compose('a@example.com', lesson, { ...sender, replyTo: 'a@letgo.test, b@letgo.test' })).toThrow(/one mailbox/);
  });

  // rspamd scores an encoded word around plain ASCII (FROM_EXCESS_BASE64, SUBJ_EXCESS_BASE64: +3 on every email).
  it('writes a plain ASCII subject and display names as they are, not as encoded words', async () => {
    const ascii = { ...lesson, subject: 'Please confirm: your 21-day Let Go course' };
    const raw = compose('zoe@example.com', ascii);
    expect(rawHeader(raw, 'Subject')).toBe('Subject: Please confirm: your 21-day Let Go course');
    expect(rawHeader(raw, 'From')).toBe('From: Let Go <course@letgo.test>');
    expect(rawHeader(raw, 'Reply-To')).toBe('Reply-To: Robin <robin@letgo.test>');
    expect(raw.slice(0, raw.indexOf('\r\n\r\n'))).not.toContain('=?');
    const mail = await simpleParser(raw);
    expect(mail.replyTo?.value).toEqual([{ name: 'Robin', address: 'robin@letgo.test' }]);
    expect(mail.from?.value).toEqual([{ name: 'Let Go', address: 'course@letgo.test' }]);
  });

  it('encodes anything else as RFC 2047 words of at most 75 characters, folded, that decode back exactly', async () => {
    const subject = 'Zoë’s “long” week: a subject with typographic quotes — and more';
    const from = { ...sender, from: 'Zoë “Let Go” Åberg <course@letgo.test>', replyTo: '"Robin, the author" <robin@letgo.test>' };
    const raw = compose('zoe@example.com', { ...lesson, subject }, from);
    const headers = raw.slice(0, raw.indexOf('\r\n\r\n'));
    for (const word of headers.match(/=\?[^?]+\?[QB]\?[^?]*\?=/g) ?? []) expect(word.length, word).toBeLessThanOrEqual(75);
    expect(rawHeader(raw, 'Subject')?.split('\r\n').length).toBeGreaterThan(1);
    for (const line of headers.split('\r\n').filter((l) => !l.includes('://'))) expect(line.length, line).toBeLessThanOrEqual(78);
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe(subject);
    expect(mail.from?.value).toEqual([{ name: 'Zoë “Let Go” Åberg', address: 'course@letgo.test' }]);
    expect(mail.replyTo?.value).toEqual([{ name: 'Robin, the author', address: 'robin@letgo.test' }]);
  });

  it('folds List-Unsubscribe between its two addresses', async () => {
    const raw = compose();
    expect(rawHeader(raw, 'List-Unsubscribe')).toBe(`List-Unsubscribe: <${values.unsubscribeUrl}>,\r\n <mailto:u@letgo.test>`);
    expect(headerValue(await simpleParser(raw), 'List-Unsubscribe')).toBe(`<${values.unsubscribeUrl}>, <mailto:u@letgo.test>`);
  });
});
