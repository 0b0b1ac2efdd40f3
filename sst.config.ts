/// <reference path="./.sst/platform/config.d.ts" />

/**
 * The AWS stack, deployed with `npx sst deploy --stage prod` (README.md, "Deploy"):
 *   infra/storage.ts    the subscriber table, its sparse due index, TTL, PITR
 *   infra/email.ts      the SES domain identity (DKIM, DMARC, MAIL FROM) and its feedback topic
 *   infra/functions.ts  the API on a Function URL and the feedback function
 *   infra/author.ts     the IAM policy for the author's own commands (npm run stats -- --recount: the one Scan)
 *   infra/cloudfront.ts with API_DOMAIN: the Router (CloudFront) in front of the API, its origin secret, WAF
 *   infra/drip.ts       the drip on a one-minute cron, its fan-out worker and dead-letter queue
 *   infra/common.ts     per-function IAM grants, runtime, logging shared by the above (infra/runtime.ts)
 *   infra/settings.ts   deploy-time settings (MAIL_FROM, API_DOMAIN, DNS, ...) from .env.<stage>
 * Secrets, once per stage:
 *   npx sst secret set TokenKeys "k1:$(openssl rand -base64 32)" --stage prod
 *   npx sst secret set HashKey "$(openssl rand -base64 32)" --stage prod
 *   npx sst secret set TurnstileSecret "<secret key>" --stage prod   (only with TURNSTILE_SITE_KEY)
 *   npx sst secret set OriginSecret "$(openssl rand -hex 32)" --stage prod   (only with API_DOMAIN)
 */
export default $config({
  app(input) {
    // Must equal PRODUCTION_STAGE in infra/settings.ts (app() runs before any import can).
    const production = input?.stage === 'prod';
    return {
      name: 'let-go',
      home: 'aws',
      // retain: `sst remove` keeps the table (the list) in production and deletes the rest.
      removal: production ? 'retain' : 'remove',
      // protect: `sst remove --stage prod` is refused outright.
      protect: production,
    };
  },
  async run() {
    const { readSettings } = await import('./infra/settings');
    const { createTable } = await import('./infra/storage');
    const { createEmail, dnsRecords } = await import('./infra/email');
    const { createFunctions } = await import('./infra/functions');

    const settings = readSettings($app.stage, process.env);
    const table = createTable(settings);
    const { email, topic } = createEmail(settings);
    const secrets = {
      tokenKeys: new sst.Secret('TokenKeys'),
      // Keys the HMACs under which limits and suppressions hold addresses; never rotated.
      hashKey: new sst.Secret('HashKey'),
      // Only with TURNSTILE_SITE_KEY set: then the deploy refuses to go on until the secret is set too.
      turnstile: settings.turnstileSiteKey ? new sst.Secret('TurnstileSecret') : undefined,
      // Only with API_DOMAIN: the header CloudFront adds so the API can refuse everything else.
      originSecret: settings.apiDomain ? new sst.Secret('OriginSecret') : undefined,
    };
    const { url } = createFunctions({ settings, table, email, topic, secrets });
    const { createAuthorPolicy } = await import('./infra/author');
    const authorPolicy = createAuthorPolicy(table);

    return {
      url,
      // Attach to your own IAM user or role for `npm run stats -- --aws` and `--recount` (README, "The author's console").
      authorPolicy: authorPolicy.arn,
      sender: settings.mailFrom,
      // What to add at a DNS host other than Route 53 (with DNS=manual); informative otherwise.
      dnsRecords: dnsRecords(settings, email),
    };
  },
});
