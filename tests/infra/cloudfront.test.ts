import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { currentSecret, FORWARDED_HEADERS, ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER } from '../../infra/edge-headers.js';
import * as app from '../../functions/http/viewer-address.js';
import { cleanUpAfterEach, deploy } from './deploy.js';
import { unwrap } from './stubs.js';

/** With API_DOMAIN: CloudFront in front of the API, and the API refusing everything that did not come through it. */
cleanUpAfterEach();
const withDomain = (env: Record<string, string> = {}) => deploy('prod', { API_DOMAIN: 'course.letgo.test', ...env });
type Router = { edge: { viewerRequest: { injection: string } }; transform: { cdn: (args: Record<string, unknown>) => void }; [key: string]: unknown };

describe('the API behind CloudFront', () => {
  it("adds the origin secret at the edge, over any value a client sent, and the API is given the secret's list", async () => {
    const { find, fn, resources } = await withDomain();
    expect(resources.some((r) => r.type === 'sst.Secret' && r.name === 'OriginSecret')).toBe(true);
    const router = find('sst.aws.Router', 'Web').args as Router;
    // Run the injected viewer-request code as CloudFront Functions would, on a request that forges the header.
    const event = { request: { headers: { host: { value: 'course.letgo.test' }, [ORIGIN_SECRET_HEADER]: { value: 'forged' } } } };
    new Function('event', router.edge.viewerRequest.injection)(event);
    expect(event.request.headers[ORIGIN_SECRET_HEADER]).toEqual({ value: '<OriginSecret.value>' });
    expect(fn('Api').environment.ORIGIN_SECRET).toBe('<OriginSecret.value>');
    expect(fn('Api').link).toContain('sst.Secret:OriginSecret');
    // Not CloudFront's origin access control: with it every browser form POST would need x-amz-content-sha256.
    expect(router).not.toHaveProperty('protection');
    expect(fn('Api')).toMatchObject({ url: { cors: false, router: { instance: 'sst.aws.Router:Web' } } });
  });

  it('sends the first listed secret, so a rotation can add the next value before CloudFront uses it', () => {
    expect(currentSecret('next-secret-value,current-secret-value')).toBe('next-secret-value');
    expect(currentSecret(' only ')).toBe('only');
  });

  it('forwards the viewer address and what the app reads through its own origin request policy, never Host', async () => {
    const { find } = await withDomain();
    const policy = find('aws.cloudfront.OriginRequestPolicy', 'WebOriginRequestPolicy').args;
    expect(policy).toMatchObject({
      headersConfig: { headerBehavior: 'whitelist', headers: { items: FORWARDED_HEADERS } },
      queryStringsConfig: { queryStringBehavior: 'all' },
    });
    const items = (FORWARDED_HEADERS as readonly string[]).map((h) => h.toLowerCase());
    expect(items).toEqual(expect.arrayContaining(['cloudfront-viewer-address', 'x-letgo-origin-secret']));
    expect(items).not.toContain('host');
    expect(items.length).toBeLessThanOrEqual(10); // CloudFront's default quota of headers per policy

    // The Router's distribution uses it in place of SST's AllViewerExceptHostHeader, the rest untouched.
    const router = find('sst.aws.Router', 'Web').args as Router;
    const cdn: Record<string, unknown> = {
      defaultCacheBehavior: { targetOriginId: 'default', originRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', compress: true },
    };
    router.transform.cdn(cdn);
    expect(unwrap(cdn.defaultCacheBehavior)).toEqual({ targetOriginId: 'default', originRequestPolicyId: '<WebOriginRequestPolicy.id>', compress: true });
  });

  it('names the same headers as the app, and forwards every request header the app reads', () => {
    expect(ORIGIN_SECRET_HEADER).toBe(app.ORIGIN_SECRET_HEADER);
    expect(VIEWER_ADDRESS_HEADER.toLowerCase()).toBe(app.VIEWER_ADDRESS_HEADER);
    const root = fileURLToPath(new URL('../../functions', import.meta.url));
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
    const read = new Set<string>();
    for (const file of files(root).filter((f) => f.endsWith('.ts'))) {
      for (const [, name] of readFileSync(file, 'utf8').matchAll(/req\.header\(\s*['"]([\w-]+)['"]/g)) read.add((name as string).toLowerCase());
    }
    expect(read.size).toBeGreaterThan(2);
    const forwarded = new Set(FORWARDED_HEADERS.map((h) => h.toLowerCase()));
    for (const name of read) expect(forwarded.has(name), `${name} is read by functions/ but not forwarded by CloudFront`).toBe(true);
  });

  it('adds no WAF unless asked; with API_WAF_RATE_LIMIT, one rate-based rule per client address', async () => {
    expect((await withDomain()).find('sst.aws.Router', 'Web').args).not.toHaveProperty('waf');
    const { find } = await withDomain({ API_WAF_RATE_LIMIT: '300' });
    expect(find('sst.aws.Router', 'Web').args.waf).toEqual({
      rateLimitPerIp: 300,
      managedRules: { coreRuleSet: false, knownBadInputs: false, sqlInjection: false },
    });
  });

  it('without API_DOMAIN: no CloudFront, no origin secret, and the API keys on the Function URL caller', async () => {
    const { resources, fn } = await deploy('prod');
    expect(resources.map((r) => r.type)).not.toEqual(expect.arrayContaining(['sst.aws.Router']));
    expect(resources.some((r) => r.name === 'OriginSecret' || r.name === 'WebOriginRequestPolicy')).toBe(false);
    expect(fn('Api').environment).not.toHaveProperty('ORIGIN_SECRET');
  });
});

describe('capacity under a flood', () => {
  it('caps the API at its reserved concurrency (20 by default); the drip and feedback keep the unreserved pool', async () => {
    const { fn, cronFunction } = await deploy('prod');
    expect(fn('Api').concurrency).toEqual({ reserved: 20 });
    for (const args of [fn('DripWorker'), fn('Feedback'), cronFunction()]) expect(args).not.toHaveProperty('concurrency');
    expect((await deploy('prod', { API_RESERVED_CONCURRENCY: '50' })).fn('Api').concurrency).toEqual({ reserved: 50 });
    expect((await deploy('prod', { API_RESERVED_CONCURRENCY: 'off' })).fn('Api')).not.toHaveProperty('concurrency');
  });
});
