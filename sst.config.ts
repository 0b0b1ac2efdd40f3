/// <reference path="./.sst/platform/config.d.ts" />

/**
 * First version of the AWS stack: the subscriber table with its sparse,
 * sharded due index, the API on a Function URL, and the drip on a one-minute
 * cron. The sender address and token keys come from SST secrets:
 *   npx sst secret set MailFrom "Let Go <course@example.com>" --stage prod
 *   npx sst secret set TokenKeys "k1:$(openssl rand -base64 32)" --stage prod
 *   npx sst secret set UnsubscribeMailto "mailto:unsubscribe@example.com" --stage prod
 */
export default $config({
  app(input) {
    return {
      name: 'let-go',
      home: 'aws',
      removal: input?.stage === 'prod' ? 'retain' : 'remove',
      protect: input?.stage === 'prod',
    };
  },
  async run() {
    const table = new sst.aws.Dynamo('Subscribers', {
      fields: { email: 'string', dueShard: 'number', due: 'number' },
      primaryIndex: { hashKey: 'email' },
      globalIndexes: { 'due-index': { hashKey: 'dueShard', rangeKey: 'due' } },
      ttl: 'expiresAt',
    });
    const mailFrom = new sst.Secret('MailFrom');
    const tokenKeys = new sst.Secret('TokenKeys');
    const unsubscribeMailto = new sst.Secret('UnsubscribeMailto');

    const environment = {
      TABLE_NAME: table.name,
      MAIL_FROM: mailFrom.value,
      TOKEN_KEYS: tokenKeys.value,
      UNSUBSCRIBE_MAILTO: unsubscribeMailto.value,
      // Sites allowed to post the JSON signup (the embeddable form), comma-separated origins.
      ALLOWED_ORIGINS: process.env.ALLOWED_ORIGINS ?? '',
    };
    const sendEmail = { actions: ['ses:SendRawEmail'], resources: ['*'] };

    const api = new sst.aws.Function('Api', {
      handler: 'functions/api.handler',
      runtime: 'nodejs20.x',
      url: true,
      memory: '512 MB',
      timeout: '10 seconds',
      link: [table],
      permissions: [sendEmail],
      // Links use the Function URL unless BASE_URL (a custom domain) is set at deploy time.
      environment: { ...environment, ...(process.env.BASE_URL ? { BASE_URL: process.env.BASE_URL } : {}) },
    });

    new sst.aws.Cron('Drip', {
      schedule: 'rate(1 minute)',
      function: {
        handler: 'functions/drip.handler',
        runtime: 'nodejs20.x',
        memory: '512 MB',
        // A run stops claiming 10 s before this, so a pass never overlaps its own deadline.
        timeout: '55 seconds',
        link: [table],
        permissions: [sendEmail],
        environment: { ...environment, BASE_URL: process.env.BASE_URL ?? api.url.apply((url) => url.replace(/\/$/, '')) },
      },
    });

    return { url: api.url };
  },
});
