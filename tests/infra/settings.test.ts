import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../infra/settings.js';

describe('deploy-time settings (infra/settings.ts)', () => {
  it('derives the SES identity and the unsubscribe mailbox from MAIL_FROM', () => {
    const mailto = 'mailto:author@example.com?subject=unsubscribe';
    expect(readSettings('prod', { MAIL_FROM: 'Let Go <Course@Mail.Example.com>', UNSUBSCRIBE_MAILTO: mailto, REPLY_TO: 'a@example.com' })).toMatchObject({
      production: true,
      senderDomain: 'mail.example.com',
      unsubscribeMailto: mailto,
      dns: 'route53',
      dmarc: 'v=DMARC1; p=none; adkim=s;',
    });
    expect(readSettings('alice', { MAIL_FROM: 'course@example.org', UNSUBSCRIBE_MAILTO: mailto, DMARC: 'v=DMARC1; p=quarantine;' })).toMatchObject({
      production: false,
      senderDomain: 'example.org',
      dmarc: 'v=DMARC1; p=quarantine;',
    });
  });

  it('fails with the name of what is missing or wrong', () => {
    const ok = { MAIL_FROM: 'a@example.com', UNSUBSCRIBE_MAILTO: 'mailto:b@example.com', REPLY_TO: 'c@example.com' };
    expect(() => readSettings('prod', {})).toThrow(/MAIL_FROM is not set/);
    expect(() => readSettings('prod', { ...ok, MAIL_FROM: 'Let Go <nobody>' })).toThrow(/MAIL_FROM must be/);
    expect(() => readSettings('prod', { MAIL_FROM: ok.MAIL_FROM })).toThrow(/UNSUBSCRIBE_MAILTO is not set/);
    expect(() => readSettings('prod', { ...ok, UNSUBSCRIBE_MAILTO: 'b@example.com' })).toThrow(/UNSUBSCRIBE_MAILTO must be/);
    expect(() => readSettings('prod', { ...ok, DNS: 'cloudflare' })).toThrow(/DNS must be/);
    expect(() => readSettings('prod', { ...ok, API_DOMAIN: 'https://x.test/' })).toThrow(/API_DOMAIN/);
    expect(() => readSettings('prod', { ...ok, API_DOMAIN: 'x.example.com', DNS: 'manual' })).toThrow(/API_CERT_ARN/);
    for (const value of ['0', '-1', '2.5', 'lots', '901']) {
      expect(() => readSettings('prod', { ...ok, API_RESERVED_CONCURRENCY: value }), value).toThrow(/API_RESERVED_CONCURRENCY must be/);
    }
    expect(() => readSettings('prod', { ...ok, API_WAF_RATE_LIMIT: '300' })).toThrow(/API_WAF_RATE_LIMIT needs API_DOMAIN/);
    for (const value of ['9', '300.5', 'many']) {
      expect(() => readSettings('prod', { ...ok, API_DOMAIN: 'x.example.com', API_WAF_RATE_LIMIT: value }), value).toThrow(/API_WAF_RATE_LIMIT must be/);
    }
  });

  it('caps the API at 20 concurrent requests unless told otherwise; WAF only when asked', () => {
    const ok = { MAIL_FROM: 'a@example.com', REPLY_TO: 'c@example.com', UNSUBSCRIBE_MAILTO: 'mailto:b@example.com' };
    expect(readSettings('prod', ok)).toMatchObject({ apiReservedConcurrency: 20, apiWafRateLimit: undefined });
    expect(readSettings('prod', { ...ok, API_RESERVED_CONCURRENCY: 'off' }).apiReservedConcurrency).toBeUndefined();
    expect(readSettings('prod', { ...ok, API_DOMAIN: 'x.example.com', API_WAF_RATE_LIMIT: '300' })).toMatchObject({ apiWafRateLimit: 300 });
  });

  it('requires in production a Reply-To that reaches a person, and checks it like MAIL_FROM', () => {
    const ok = { MAIL_FROM: 'Let Go <course@mail.example.com>', UNSUBSCRIBE_MAILTO: 'mailto:b@example.com?subject=unsubscribe' };
    expect(() => readSettings('prod', ok)).toThrow(/REPLY_TO is not set: add REPLY_TO="Your Name <you@example.com>"/);
    expect(readSettings('prod', { ...ok, REPLY_TO: ' Robin <robin@example.com> ' })).toMatchObject({ replyTo: 'Robin <robin@example.com>' });
    expect(readSettings('prod', { ...ok, REPLY_TO: 'robin@example.com' })).toMatchObject({ replyTo: 'robin@example.com' });
    for (const bad of ['Robin', 'Robin <robin>', 'Robin <robin@example.com>\r\nBcc: x@example.com', '<a> <robin@example.com>', 'a@b@example.com']) {
      expect(() => readSettings('prod', { ...ok, REPLY_TO: bad }), bad).toThrow(/REPLY_TO must be/);
    }
    expect(() => readSettings('prod', { ...ok, REPLY_TO: 'Course@Mail.Example.com' })).toThrow(/not the sending address/);
    // A dev stage may leave it out: replies go to the unsubscribe mailbox, which the author reads.
    expect(readSettings('alice', ok)).toMatchObject({ replyTo: 'b@example.com' });
  });

  it('takes an optional sign-off and an https page of local support', () => {
    const ok = { MAIL_FROM: 'a@example.com', UNSUBSCRIBE_MAILTO: 'mailto:b@example.com', REPLY_TO: 'c@example.com' };
    expect(readSettings('prod', ok)).toMatchObject({ authorName: undefined, safetyResourcesUrl: undefined });
    expect(readSettings('prod', { ...ok, AUTHOR_NAME: ' Robin from Let Go ', SAFETY_RESOURCES_URL: 'https://help.example.org/near-you' }))
      .toMatchObject({ authorName: 'Robin from Let Go', safetyResourcesUrl: 'https://help.example.org/near-you' });
    expect(() => readSettings('prod', { ...ok, AUTHOR_NAME: 'x'.repeat(61) })).toThrow(/AUTHOR_NAME must be/);
    expect(() => readSettings('prod', { ...ok, SAFETY_RESOURCES_URL: 'http://help.example.org' })).toThrow(/SAFETY_RESOURCES_URL must be an https/);
  });

  it('takes the author for the console and the digest, checked before anything is created', () => {
    const ok = { MAIL_FROM: 'a@example.com', UNSUBSCRIBE_MAILTO: 'mailto:b@example.com', REPLY_TO: 'c@example.com' };
    expect(readSettings('prod', ok)).toMatchObject({ authorEmail: undefined, authorTimezone: 'UTC', digestHour: '8' });
    expect(readSettings('prod', { ...ok, AUTHOR_EMAIL: ' Robin@Example.com ', AUTHOR_TIMEZONE: 'Europe/Paris', DIGEST_HOUR: 'off' }))
      .toMatchObject({ authorEmail: 'robin@example.com', authorTimezone: 'Europe/Paris', digestHour: 'off' });
    expect(() => readSettings('prod', { ...ok, AUTHOR_EMAIL: 'robin' })).toThrow(/AUTHOR_EMAIL must be/);
    expect(() => readSettings('prod', { ...ok, AUTHOR_EMAIL: 'Robin <robin@example.com>' })).toThrow(/AUTHOR_EMAIL must be a bare address/);
    expect(() => readSettings('prod', { ...ok, AUTHOR_TIMEZONE: 'Mars/Base' })).toThrow(/AUTHOR_TIMEZONE must be/);
    expect(() => readSettings('prod', { ...ok, DIGEST_HOUR: '25' })).toThrow(/DIGEST_HOUR must be/);
  });
});

describe('sst.config.ts as SST loads it', () => {
  it('bundles with esbuild, pulling in infra/*.ts and no package but SST-provided globals', async () => {
    const result = await build({
      entryPoints: [new URL('../../sst.config.ts', import.meta.url).pathname],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((file) => file.startsWith('infra/')).sort()).toEqual([
      'infra/author.ts',
      'infra/cloudfront.ts',
      'infra/common.ts',
      'infra/drip.ts',
      'infra/edge-headers.ts',
      'infra/email.ts',
      'infra/functions.ts',
      'infra/notices.ts',
      'infra/runtime.ts',
      'infra/settings.ts',
      'infra/storage.ts',
    ]);
    expect(inputs.filter((file) => file.includes('node_modules'))).toEqual([]);
  });
});
