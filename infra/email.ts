import type { Settings } from './settings';

/**
 * The SES side: a domain identity (Easy DKIM, DMARC, a custom MAIL FROM) whose
 * configuration set publishes bounces and complaints to an SNS topic. The
 * identity's default configuration set applies to every message sent from the
 * domain, so the SES v1 SendRawEmail calls need no ConfigurationSetName.
 */
export function createEmail(settings: Settings) {
  // A plain Email link grants ses:* on the identity. Links carry the names only;
  // functions get ses:SendRawEmail where they send (infra/functions.ts).
  sst.Linkable.wrap(sst.aws.Email, (email) => ({
    properties: { sender: email.sender, configSet: email.configSet },
  }));

  // Standard, not FIFO: SES cannot publish to FIFO topics. Signature version 2 (SHA256withRSA):
  // the feedback function refuses version 1, whose SHA1 digest no longer resists forgery.
  const topic = new sst.aws.SnsTopic('MailFeedback', { transform: { topic: { signatureVersion: 2 } } });

  const email = new sst.aws.Email('Mail', {
    sender: settings.senderDomain,
    dmarc: settings.dmarc,
    // false: SST creates no records; DEPLOY.md lists them and `sst deploy` prints the DKIM ones.
    dns: settings.dns === 'manual' ? false : undefined,
    // The envelope sender on our own subdomain aligns SPF with the From domain (DMARC passes on
    // SPF as well as DKIM). Until its MX record exists SES falls back to amazonses.com.
    mailFrom: { domain: `bounce.${settings.senderDomain}` },
    events: [{ name: 'Feedback', types: ['bounce', 'complaint'], topic: topic.arn }],
  });

  // SES needs the topic's permission to publish; only on behalf of this account.
  const caller = aws.getCallerIdentityOutput({});
  new aws.sns.TopicPolicy('MailFeedbackPolicy', {
    arn: topic.arn,
    policy: $jsonStringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'SesPublishesFeedback',
          Effect: 'Allow',
          Principal: { Service: 'ses.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: topic.arn,
          Condition: { StringEquals: { 'AWS:SourceAccount': caller.accountId } },
        },
      ],
    }),
  });

  return { email, topic };
}

/** The records a DNS host outside Route 53 needs (DNS=manual), printed by `sst deploy`. */
export function dnsRecords(settings: Settings, email: sst.aws.Email) {
  const region = aws.getRegionOutput().region;
  return email.nodes.identity.dkimSigningAttributes.apply((dkim) =>
    region.apply((awsRegion) => [
      ...(dkim.tokens ?? []).map((token) => `CNAME ${token}._domainkey.${settings.senderDomain} ${token}.dkim.amazonses.com`),
      `TXT _dmarc.${settings.senderDomain} "${settings.dmarc}"`,
      `MX bounce.${settings.senderDomain} 10 feedback-smtp.${awsRegion}.amazonses.com`,
      `TXT bounce.${settings.senderDomain} "v=spf1 include:amazonses.com ~all"`,
    ]),
  );
}
