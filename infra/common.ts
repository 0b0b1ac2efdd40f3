import { ESBUILD_TARGET, LAMBDA_RUNTIME } from './runtime';
import type { Settings } from './settings';

/** What every function module receives from sst.config.ts. */
export type Infra = {
  settings: Settings;
  table: sst.aws.Dynamo;
  email: sst.aws.Email;
  topic: sst.aws.SnsTopic;
  secrets: { tokenKeys: sst.Secret; hashKey: sst.Secret; turnstile?: sst.Secret; originSecret?: sst.Secret };
};

// The runtime and its esbuild target: infra/runtime.ts.
// arm64: no native modules in any bundle, and about 20% cheaper per GB-second than x86.
// Bundled as `npm run bundle` does: the same esbuild plugins (infra/esbuild-plugins.mjs), the same
// target, and the AWS SDK v3 left to the runtime's copy (nodejs18.x and later ship SDK v3): the API
// bundle is a third the size, and the adapters load the SDK only when a request needs it.
export const NODE = {
  runtime: LAMBDA_RUNTIME,
  architecture: 'arm64' as const,
  nodejs: { plugins: 'infra/esbuild-plugins.mjs', esbuild: { external: ['@aws-sdk/*'], target: ESBUILD_TARGET } },
};
// Logs are for debugging recent runs, not an archive; a retention bounds their cost.
export const LOGGING = { retention: '1 month' } as const;

/** Failed events kept 14 days (the SQS maximum): long enough to notice, read and replay. */
export function deadLetterQueue(name: string) {
  return new sst.aws.Queue(name, { transform: { queue: { messageRetentionSeconds: 14 * 24 * 60 * 60 } } });
}

/**
 * IAM statements, action by action. Links only carry names here
 * (infra/storage.ts, infra/email.ts), so these are all a function may do.
 */
export function grants({ table, email }: Pick<Infra, 'table' | 'email'>) {
  const caller = aws.getCallerIdentityOutput({});
  const region = aws.getRegionOutput().region;
  return {
    table: (actions: string[], resources = [table.arn]) => ({
      actions: actions.map((action) => `dynamodb:${action}`),
      resources,
    }),
    // Identity ARNs of the account: the sender domain, plus verified recipients while in the SES sandbox;
    // and the configuration set, which SES authorizes too because the identity sends through it.
    sendMail: {
      actions: ['ses:SendRawEmail'],
      resources: [$interpolate`arn:aws:ses:${region}:${caller.accountId}:identity/*`, email.nodes.configurationSet.arn],
    },
    queue: (queue: sst.aws.Queue) => ({ actions: ['sqs:SendMessage'], resources: [queue.arn] }),
  };
}

/** The variables functions/config.ts reads for anything that renders or sends mail. */
export function mailEnvironment({ settings, table, secrets }: Pick<Infra, 'settings' | 'table' | 'secrets'>) {
  return {
    TABLE_NAME: table.name,
    MAIL_FROM: settings.mailFrom,
    REPLY_TO: settings.replyTo,
    UNSUBSCRIBE_MAILTO: settings.unsubscribeMailto,
    TOKEN_KEYS: secrets.tokenKeys.value,
    HASH_KEY: secrets.hashKey.value,
    ...(settings.authorName ? { AUTHOR_NAME: settings.authorName } : {}),
    // The author's console (API), its sign-in links (notice worker), the digest and alerts (drip).
    ...(settings.authorEmail ? { AUTHOR_EMAIL: settings.authorEmail, AUTHOR_TIMEZONE: settings.authorTimezone, DIGEST_HOUR: settings.digestHour } : {}),
    // Read by the API (the /safety page); the drip shares this environment and ignores it.
    ...(settings.safetyResourcesUrl ? { SAFETY_RESOURCES_URL: settings.safetyResourcesUrl } : {}),
  };
}
