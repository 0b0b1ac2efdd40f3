import { describe, expect, it } from 'vitest';
import { cleanUpAfterEach, deploy, loadConfig } from './deploy.js';

/** sst.config.ts with the optional settings of infra/settings.ts, and on a dev stage. */
cleanUpAfterEach();
const prod = (env?: Record<string, string>) => deploy('prod', env);

describe('sst.config.ts options', () => {
  it('serves a custom domain through a Router and uses it in every link', async () => {
    const { find, fn, cronFunction, outputs } = await prod({ API_DOMAIN: 'course.letgo.test' });
    expect(find('sst.aws.Router', 'Web').args).toMatchObject({ domain: 'course.letgo.test' }); // the rest: cloudfront.test.ts
    expect(fn('Api')).toMatchObject({ url: { cors: false, router: { instance: 'sst.aws.Router:Web' } } });
    expect(fn('Api').environment.BASE_URL).toBe('https://course.letgo.test');
    expect(cronFunction().environment.BASE_URL).toBe('https://course.letgo.test');
    expect(outputs.url).toBe('<Web.url>');
  });

  it('leaves DNS records to the author with DNS=manual', async () => {
    const { find } = await prod({ DNS: 'manual', API_DOMAIN: 'course.letgo.test', API_CERT_ARN: 'arn:aws:acm:us-east-1:123456789012:certificate/x' });
    expect(find('sst.aws.Email', 'Mail').args.dns).toBe(false);
    expect(find('sst.aws.Router', 'Web').args.domain).toEqual({ name: 'course.letgo.test', dns: false, cert: 'arn:aws:acm:us-east-1:123456789012:certificate/x' });
  });

  it('adds Cloudflare Turnstile only when the author configures it, its secret as an SST Secret', async () => {
    const without = await prod();
    expect(without.resources.some((r) => r.name === 'TurnstileSecret')).toBe(false);
    expect(without.fn('Api').environment).not.toHaveProperty('TURNSTILE_SECRET');
    const { fn } = await prod({ TURNSTILE_SITE_KEY: '0x4AAAAAAA-site' });
    expect(fn('Api').environment).toMatchObject({ TURNSTILE_SITE_KEY: '0x4AAAAAAA-site', TURNSTILE_SECRET: '<TurnstileSecret.value>' });
    expect(fn('Api').link).toContain('sst.Secret:TurnstileSecret');
  });

  it('refuses to deploy without MAIL_FROM or REPLY_TO, naming it', async () => {
    const { config } = await loadConfig('prod', { MAIL_FROM: '' });
    await expect(config.run()).rejects.toThrow(/MAIL_FROM is not set/);
    const noReplyTo = await loadConfig('prod', { REPLY_TO: '' });
    await expect(noReplyTo.config.run()).rejects.toThrow(/REPLY_TO is not set/);
  });

  it('hands the sign-off and the local support page to the functions that send and show them', async () => {
    const { fn, cronFunction } = await prod({ AUTHOR_NAME: 'Robin from Let Go', SAFETY_RESOURCES_URL: 'https://help.example.org/near-you' });
    expect(fn('Api').environment).toMatchObject({ AUTHOR_NAME: 'Robin from Let Go', SAFETY_RESOURCES_URL: 'https://help.example.org/near-you' });
    expect(cronFunction().environment).toMatchObject({ AUTHOR_NAME: 'Robin from Let Go', REPLY_TO: 'Robin <robin@letgo.test>' });
  });

  it('leaves both out when unset: the sign-off is then the display name of MAIL_FROM', async () => {
    const { fn } = await prod();
    expect(fn('Api').environment).not.toHaveProperty('AUTHOR_NAME');
    expect(fn('Api').environment).not.toHaveProperty('SAFETY_RESOURCES_URL');
  });
});

describe('sst.config.ts, a dev stage', () => {
  it('is disposable: removed with the stage, no protection', async () => {
    const stack = await deploy('alice');
    expect(stack.config.app({ stage: 'alice' })).toMatchObject({ removal: 'remove', protect: false });
    expect(stack.find('sst.aws.Dynamo', 'Subscribers').args).toMatchObject({ deletionProtection: false, ttl: 'expiresAt' });
    expect(stack.outputs.url).toBe('<Api.url>');
  });
});
