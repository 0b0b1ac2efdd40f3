import { describe, expect, it } from 'vitest';
import { createApp } from '../../functions/http/app.js';
import { behindCloudFront, originSecretList, parseViewerAddress } from '../../functions/http/viewer-address.js';
import { memoryDeps } from '../support/fixtures.js';

const CURRENT = 'test-only-origin-secret-current-4f1c2a9e7b3d5c8a';
const PREVIOUS = 'test-only-origin-secret-previous-9a8b7c6d5e4f3a2b';

describe('CloudFront-Viewer-Address', () => {
  it.each([
    ['198.51.100.10:46532', '198.51.100.10'],
    ['2001:db8:85a3::8a2e:370:7334:46532', '2001:db8:85a3::8a2e:370:7334'],
    ['2001:db8:0:0:0:0:0:1:443', '2001:db8:0:0:0:0:0:1'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['198.51.100.10', '198.51.100.10'],
    ['2001:db8::1', '2001:db8::1'],
    [' 203.0.113.9:1 ', '203.0.113.9'],
  ])('reads %s as %s', (header, address) => {
    expect(parseViewerAddress(header)).toBe(address);
  });

  it.each([undefined, '', 'unknown', '198.51.100.10:70000', '198.51.100.10:', '198.51.100.10:80,203.0.113.1:80', '[198.51.100.10]:80', '[2001:db8::1]:x', 'example.com:443', '999.1.1.1:80'])(
    'gives no address for %j',
    (header) => {
      expect(parseViewerAddress(header)).toBeUndefined();
    },
  );
});

describe('ORIGIN_SECRET', () => {
  it('takes the current value and the previous ones, comma-separated', () => {
    expect(originSecretList.parse(` ${CURRENT} , ${PREVIOUS} `)).toEqual([CURRENT, PREVIOUS]);
    expect(originSecretList.safeParse('short').success).toBe(false);
    expect(originSecretList.safeParse(`${CURRENT},with "quotes" that could break out of the edge function ${'x'.repeat(20)}`).success).toBe(false);
    expect(originSecretList.safeParse('').success).toBe(false);
  });
});

describe('the origin guard in front of every route', () => {
  const { deps, store, notices } = memoryDeps();
  const cloudFront = behindCloudFront([CURRENT, PREVIOUS]);
  const app = createApp({ ...deps, originGuard: cloudFront.guard, clientIp: cloudFront.clientIp });
  // A JSON sign-up (no form token needed), and the notice it enqueued worked off.
  const subscribe = async (headers: Record<string, string>, email: string) => {
    const res = await app.request('/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'test', ...headers },
      body: JSON.stringify({ email, timezone: 'UTC', send_hour: 8 }),
    });
    await notices.settled();
    return res;
  };

  it.each([
    ['no secret', {}],
    ['an empty secret', { 'x-letgo-origin-secret': '' }],
    ['a wrong secret', { 'x-letgo-origin-secret': `${CURRENT.slice(0, -1)}0` }],
    ['a prefix of the secret', { 'x-letgo-origin-secret': CURRENT.slice(0, 32) }],
    ['the secret with more after it', { 'x-letgo-origin-secret': `${CURRENT}x` }],
    ['both secrets as one value', { 'x-letgo-origin-secret': `${CURRENT},${PREVIOUS}` }],
  ])('refuses %s with a plain 403 that says nothing more, on any path', async (_label, headers: Record<string, string>) => {
    for (const path of ['/', '/health', '/nowhere']) {
      const response = await app.request(path, { headers: { ...headers, 'cloudfront-viewer-address': '192.0.2.1:443' } });
      expect(response.status, path).toBe(403);
      expect(await response.text()).toBe('Forbidden');
    }
    expect((await subscribe({ ...headers, 'cloudfront-viewer-address': '192.0.2.1:443' }, 'refused@example.com')).status).toBe(403);
    expect(await store.get('refused@example.com')).toBeUndefined();
  });

  it('lets CloudFront through with the current or the previous secret, and takes the address from its header', async () => {
    expect((await subscribe({ 'x-letgo-origin-secret': CURRENT, 'cloudfront-viewer-address': '2001:db8::7:50000' }, 'a@example.com')).status).toBe(200);
    expect((await subscribe({ 'x-letgo-origin-secret': PREVIOUS, 'cloudfront-viewer-address': '198.51.100.3:1234' }, 'b@example.com')).status).toBe(200);
    expect((await store.get('a@example.com'))?.consent.ip).toBe('2001:db8::7');
    expect((await store.get('b@example.com'))?.consent.ip).toBe('198.51.100.3');
  });

  it('counts a request whose viewer header CloudFront did not set as "unknown", never a made-up address', async () => {
    expect((await subscribe({ 'x-letgo-origin-secret': CURRENT }, 'c@example.com')).status).toBe(200);
    expect((await store.get('c@example.com'))?.consent.ip).toBe('unknown');
  });
});
