import { currentSecret, FORWARDED_HEADERS, ORIGIN_SECRET_HEADER } from './edge-headers';
import type { Settings } from './settings';

/**
 * The custom domain: an SST Router (a CloudFront distribution) in front of the
 * API's Function URL, which stays public because CloudFront's origin access
 * control for Lambda URLs requires every POST to carry its body's SHA-256 in
 * x-amz-content-sha256, and a browser's form post never does. Instead, the
 * Router's viewer-request function adds a secret header (the OriginSecret
 * Secret, first value) that the API checks, and the API believes
 * CloudFront-Viewer-Address only on such requests (functions/http/viewer-address.ts).
 * Optionally a WAF rate-based rule per client address (API_WAF_RATE_LIMIT).
 */
export function createRouter(settings: Settings & { apiDomain: string }, originSecret: sst.Secret) {
  const policy = new aws.cloudfront.OriginRequestPolicy('WebOriginRequestPolicy', {
    comment: 'Let Go API: the headers it reads, its origin secret and the viewer address; never Host',
    headersConfig: { headerBehavior: 'whitelist', headers: { items: FORWARDED_HEADERS } },
    // Every link carries its token in the query string; cookies for sessions.
    queryStringsConfig: { queryStringBehavior: 'all' },
    cookiesConfig: { cookieBehavior: 'all' },
  });
  // Set here, it overwrites whatever a client sent under the same name. JSON.stringify: a JS literal whatever the value.
  const injection = originSecret.value.apply(
    (list) => `event.request.headers[${JSON.stringify(ORIGIN_SECRET_HEADER)}] = { value: ${JSON.stringify(currentSecret(list))} };`,
  );
  return new sst.aws.Router('Web', {
    domain: settings.dns === 'route53' ? settings.apiDomain : { name: settings.apiDomain, dns: false, cert: settings.apiCertArn },
    edge: { viewerRequest: { injection } },
    // Only the rate rule: AWS's managed rule groups would judge form posts we already validate, for more per month.
    ...(settings.apiWafRateLimit
      ? { waf: { rateLimitPerIp: settings.apiWafRateLimit, managedRules: { coreRuleSet: false, knownBadInputs: false, sqlInjection: false } } }
      : {}),
    transform: {
      // SST's Router forwards every viewer header but Host (the managed AllViewerExceptHostHeader policy);
      // ours names what the app needs, CloudFront-Viewer-Address included.
      cdn: (args) => {
        args.defaultCacheBehavior = $output(args.defaultCacheBehavior).apply((behavior) => ({ ...behavior, originRequestPolicyId: policy.id }));
      },
    },
  });
}
