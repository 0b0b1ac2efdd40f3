import { GetIdentityVerificationAttributesCommand } from '@aws-sdk/client-ses';
import { describe, expect, it } from 'vitest';
import { openRecordLink } from '../../functions/core/link-tokens.js';
import { MailerError, type Mailer } from '../../functions/ports.js';
import { findEmail, sendTest, TEST_SENDS_PER_DAY, TestSendError, type Recipients } from '../../scripts/send-test/send.js';
import { sesVerified } from '../../scripts/send-test/ses-identities.js';
import { compiledCourse, headerValue, memoryDeps, parseMail, TEST_KEYS } from '../support/fixtures.js';

/**
 * A test send is the email exactly as production sends it, to the author; through SES only to an
 * address the author owns, and no more than 20 a UTC day.
 */
const lesson3 = compiledCourse.lessons[2]!;
const guarded = (recipients: Recipients, start = '2026-12-01T09:00:00Z') => {
  const env = memoryDeps(start);
  return { ...env, send: (id: string, to: string) => sendTest({ ...env.deps, recipients }, id, to) };
};

describe('send-test', () => {
  it('builds the email as production does: real tokens, List-Unsubscribe, Reply-To', async () => {
    const { deps, mailer } = memoryDeps('2026-12-01T09:00:00Z');
    const sent = await sendTest(deps, 'day-3', 'Author@Example.com', 'Robin');
    expect(sent).toMatchObject({ id: 'day-03', subject: lesson3.subject, to: 'author@example.com' });
    const mail = await parseMail(mailer.sent[0]?.raw ?? '');
    expect(mail.subject).toBe(lesson3.subject);
    expect(mail.replyTo?.value).toEqual([{ name: 'Robin', address: 'robin@letgo.test' }]);
    expect(mail.text).toContain('Hi Robin,');
    expect(headerValue(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const unsubscribe = headerValue(mail, 'List-Unsubscribe')?.match(/<https:\/\/letgo\.test\/unsubscribe\?t=([\w.-]+)>/)?.[1] ?? '';
    expect(openRecordLink(TEST_KEYS, unsubscribe, 'unsubscribe')).toMatchObject({ ok: true, link: { linkId: expect.any(String) } });
    // The confirmation greets no one by name, as the notice worker sends it; it carries a confirm link.
    await sendTest(deps, 'confirmation', 'author@example.com', 'Robin');
    const confirmation = await parseMail(mailer.sent[1]?.raw ?? '');
    expect(confirmation.text).toMatch(/^Hi,$/m);
    expect(confirmation.text).toMatch(/https:\/\/letgo\.test\/confirm\?t=[\w.-]+/);
  });

  it('knows each email by its id, a day number or day-N, and lists them otherwise', () => {
    for (const id of ['3', 'day-3', 'day-03', 'DAY-03']) expect(findEmail(compiledCourse, id).email).toBe(lesson3);
    expect(findEmail(compiledCourse, 'data-export').email).toBe(compiledCourse.dataExport);
    expect(() => findEmail(compiledCourse, 'day-22')).toThrow(/no email "day-22" in this course; one of: confirmation, already-enrolled, day-01, .*, day-21, complete, data-export, data-delete$/);
  });

  it('refuses what is no address', async () => {
    const { deps, mailer } = memoryDeps();
    await expect(sendTest(deps, 'day-1', 'someone', undefined)).rejects.toThrow(TestSendError);
    await expect(sendTest(deps, 'day-1', 'a@b.example\r\nBcc: x@y.example', undefined)).rejects.toThrow(/is not an email address/);
    expect(mailer.sent).toEqual([]);
  });

  it('through SES, sends only to AUTHOR_EMAIL or a verified identity', async () => {
    const { send, mailer } = guarded({ authorEmail: 'Robin@Letgo.example', isVerified: async (a) => a === 'friend@verified.example' });
    await send('day-1', 'robin@letgo.example');
    await send('day-1', 'friend@verified.example');
    await expect(send('day-1', 'stranger@example.com')).rejects.toThrow(
      /^stranger@example\.com is neither AUTHOR_EMAIL \(Robin@Letgo\.example\) nor an address or domain SES has verified/);
    expect(mailer.sent.map((m) => m.to)).toEqual(['robin@letgo.example', 'friend@verified.example']);
  });

  it(`through SES, sends at most ${TEST_SENDS_PER_DAY} a UTC day, and a refused send does not count`, async () => {
    const env = guarded({ authorEmail: 'robin@letgo.example', isVerified: async () => false }, '2026-12-01T23:00:00Z');
    const failing: Mailer = { send: async () => Promise.reject(new MailerError('rejected', 'Email address is not verified.')) };
    await expect(sendTest({ ...env.deps, mailer: failing, recipients: { authorEmail: 'robin@letgo.example', isVerified: async () => false } }, 'day-1', 'robin@letgo.example'))
      .rejects.toThrow('SES refused it (rejected): Email address is not verified.');
    for (let i = 0; i < TEST_SENDS_PER_DAY; i++) await env.send('day-1', 'robin@letgo.example');
    await expect(env.send('day-2', 'robin@letgo.example')).rejects.toThrow(/^20 test sends today already \(UTC\): the next one can go after midnight UTC, in about 1 h$/);
    env.clock.set('2026-12-02T00:00:01Z');
    await env.send('day-2', 'robin@letgo.example');
    expect(env.mailer.sent).toHaveLength(TEST_SENDS_PER_DAY + 1);
  });

  it('asks SES about the address and its domain, and takes only "Success" for verified', async () => {
    const asked: unknown[] = [];
    const status: Record<string, string> = { 'me@mine.example': 'Pending', 'verified.example': 'Success' };
    const client = {
      send: async (command: unknown) => {
        expect(command).toBeInstanceOf(GetIdentityVerificationAttributesCommand);
        const identities = (command as GetIdentityVerificationAttributesCommand).input.Identities ?? [];
        asked.push(identities);
        return { VerificationAttributes: Object.fromEntries(identities.filter((i) => status[i]).map((i) => [i, { VerificationStatus: status[i] }])) };
      },
    };
    const isVerified = sesVerified(client as never);
    expect(await isVerified('me@mine.example')).toBe(false);
    expect(await isVerified('anyone@verified.example')).toBe(true);
    expect(asked).toEqual([['me@mine.example', 'mine.example'], ['anyone@verified.example', 'verified.example']]);
  });
});
