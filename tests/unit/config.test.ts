import { describe, expect, it } from 'vitest';
import { displayName, loadConfig } from '../../functions/config.js';

/** The mail settings of functions/config.ts: read once at start, a bad one fails naming its key. */
const ENV = {
  TABLE_NAME: 'letgo',
  BASE_URL: 'https://letgo.test/',
  MAIL_FROM: 'Let Go <course@mail.letgo.test>',
  REPLY_TO: 'Robin <robin@letgo.test>',
  UNSUBSCRIBE_MAILTO: 'mailto:unsubscribe@letgo.test',
  TOKEN_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
  HASH_KEY: Buffer.alloc(32, 2).toString('base64'),
};

describe('loadConfig: who sends, who gets the replies, who signs', () => {
  it('requires REPLY_TO, one mailbox, and names it when it is missing or wrong', () => {
    expect(loadConfig(ENV)).toMatchObject({ replyTo: 'Robin <robin@letgo.test>', baseUrl: 'https://letgo.test' });
    expect(loadConfig({ ...ENV, REPLY_TO: 'robin@letgo.test' }).replyTo).toBe('robin@letgo.test');
    const { REPLY_TO: _, ...withoutReplyTo } = ENV;
    expect(() => loadConfig(withoutReplyTo)).toThrow(/REPLY_TO/);
    for (const bad of ['robin', 'Robin <robin>', 'a@letgo.test, b@letgo.test', 'robin@letgo.test\r\nBcc: x@example.com']) {
      expect(() => loadConfig({ ...ENV, REPLY_TO: bad }), bad).toThrow(/REPLY_TO: a mailbox you read/);
    }
  });

  it('signs with AUTHOR_NAME, or else with the display name of MAIL_FROM', () => {
    expect(loadConfig({ ...ENV, AUTHOR_NAME: ' Robin from Let Go ' }).authorName).toBe('Robin from Let Go');
    expect(loadConfig(ENV).authorName).toBe('Let Go');
    expect(loadConfig({ ...ENV, AUTHOR_NAME: '' }).authorName).toBe('Let Go');
    expect(() => loadConfig({ ...ENV, AUTHOR_NAME: 'Robin\nBcc' })).toThrow(/AUTHOR_NAME/);
    expect(displayName('"Sam at Let Go" <sam@letgo.test>')).toBe('Sam at Let Go');
    expect(displayName('course@letgo.test')).toBe('Let Go');
  });

  it('takes the author: AUTHOR_EMAIL, AUTHOR_TIMEZONE (default UTC) and DIGEST_HOUR (default 8, or off); none without AUTHOR_EMAIL', () => {
    expect(loadConfig(ENV).author).toBeUndefined();
    expect(loadConfig({ ...ENV, AUTHOR_TIMEZONE: 'Europe/Paris' }).author).toBeUndefined();
    expect(loadConfig({ ...ENV, AUTHOR_EMAIL: 'Robin@LetGo.test' }).author).toEqual({ email: 'robin@letgo.test', timezone: 'UTC', digestHour: 8 });
    expect(loadConfig({ ...ENV, AUTHOR_EMAIL: 'robin@letgo.test', AUTHOR_TIMEZONE: 'europe/paris', DIGEST_HOUR: '18' }).author).toEqual({ email: 'robin@letgo.test', timezone: 'Europe/Paris', digestHour: 18 });
    expect(loadConfig({ ...ENV, AUTHOR_EMAIL: 'robin@letgo.test', DIGEST_HOUR: 'off' }).author?.digestHour).toBeUndefined();
    expect(() => loadConfig({ ...ENV, AUTHOR_EMAIL: 'robin' })).toThrow(/AUTHOR_EMAIL/);
    expect(() => loadConfig({ ...ENV, AUTHOR_EMAIL: 'robin@letgo.test', AUTHOR_TIMEZONE: 'Mars/Olympus' })).toThrow(/AUTHOR_TIMEZONE/);
    expect(() => loadConfig({ ...ENV, AUTHOR_EMAIL: 'robin@letgo.test', DIGEST_HOUR: '24' })).toThrow(/DIGEST_HOUR/);
  });

  it('takes SAFETY_RESOURCES_URL only as an https address; empty is unset', () => {
    expect(loadConfig(ENV).safetyResourcesUrl).toBeUndefined();
    expect(loadConfig({ ...ENV, SAFETY_RESOURCES_URL: '' }).safetyResourcesUrl).toBeUndefined();
    expect(loadConfig({ ...ENV, SAFETY_RESOURCES_URL: 'https://help.example.org/x' }).safetyResourcesUrl).toBe('https://help.example.org/x');
    expect(() => loadConfig({ ...ENV, SAFETY_RESOURCES_URL: 'http://help.example.org' })).toThrow(/SAFETY_RESOURCES_URL: an https URL/);
  });
});
