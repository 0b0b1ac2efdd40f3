import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { createSnsVerifier } from '../../functions/adapters/sns-verifier.js';
import {
  isSnsCertificateUrl,
  isSnsSubscribeUrl,
  parseSnsMessage,
  stringToSign,
  verifySnsSignature,
  type SnsMessage,
} from '../../functions/core/sns-message.js';

/**
 * The SNS envelope and its signature. The signing pair under tests/fixtures is
 * TEST MATERIAL ONLY (a self-signed cert for CN=sns.amazonaws.com made with
 * openssl): it stands in for the certificate SNS serves, and a fake HttpsGet
 * hands it out in place of sns.<region>.amazonaws.com.
 */
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const json = (name: string): Record<string, unknown> => JSON.parse(fixture(name));
const CERT = fixture('sns-test-signing-cert.TEST-ONLY.pem');
const KEY = fixture('sns-test-signing-key.TEST-ONLY.pem');

/** Signs as SNS does: version 2 (SHA256withRSA) as our topic asks for, or version 1 (SHA1) to show it is refused. */
function sign(envelope: Record<string, unknown>, version: '1' | '2' = '2'): Record<string, unknown> {
  const unsigned = { ...envelope, SignatureVersion: version, Signature: 'unsigned' };
  const message = parseSnsMessage(unsigned) as SnsMessage;
  const signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256').update(stringToSign(message)).sign(KEY, 'base64');
  return { ...unsigned, Signature: signature };
}

const parsed = (envelope: Record<string, unknown>) => parseSnsMessage(envelope) as SnsMessage;
const notification = () => ({ ...json('sns-notification-http.json'), Message: fixture('ses-complaint.json') });
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:let-go-prod-MailFeedbackTopic';

describe('SNS envelope', () => {
  it('reads the HTTP and the Lambda spelling alike, dropping unknown fields', () => {
    const http = parsed({ ...notification(), Extra: { anything: true } });
    const record = json('sns-lambda-event.json').Records as Array<{ Sns: Record<string, unknown> }>;
    const lambda = parsed(record[0]?.Sns ?? {});
    expect(http.signingCertUrl).toBe(lambda.signingCertUrl);
    expect(lambda.subject).toBeUndefined(); // Lambda sends "Subject": null
    expect(http).not.toHaveProperty('Extra');
  });

  it('rejects what is not an SNS message', () => {
    expect(parseSnsMessage(undefined)).toBeUndefined();
    expect(parseSnsMessage({ Type: 'Notification' })).toBeUndefined();
    expect(parseSnsMessage({ ...notification(), SignatureVersion: '3' })).toBeUndefined();
    const { SubscribeURL: _dropped, ...confirmation } = json('sns-subscription-confirmation.json');
    expect(parseSnsMessage(confirmation)).toBeUndefined();
  });

  it('builds the canonical string SNS signs, in its documented field order', () => {
    const base = { MessageId: 'm1', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'hi', Timestamp: 'ts' };
    const common = { ...base, SignatureVersion: '1', Signature: 's', SigningCertURL: 'https://x/y.pem' };
    expect(stringToSign(parsed({ ...common, Type: 'Notification' }))).toBe(
      'Message\nhi\nMessageId\nm1\nTimestamp\nts\nTopicArn\narn:aws:sns:us-east-1:123456789012:t\nType\nNotification\n',
    );
    expect(stringToSign(parsed({ ...common, Type: 'Notification', Subject: 'S' }))).toContain('MessageId\nm1\nSubject\nS\nTimestamp\n');
    expect(stringToSign(parsed({ ...common, Type: 'SubscriptionConfirmation', SubscribeURL: 'u', Token: 'k' }))).toBe(
      'Message\nhi\nMessageId\nm1\nSubscribeURL\nu\nTimestamp\nts\nToken\nk\nTopicArn\narn:aws:sns:us-east-1:123456789012:t\nType\nSubscriptionConfirmation\n',
    );
  });
});

describe('SNS signature', () => {
  it('the fixtures carry real version-2 signatures made with the TEST-ONLY key', () => {
    const record = (json('sns-lambda-event.json').Records as Array<{ Sns: Record<string, unknown> }>)[0]?.Sns ?? {};
    for (const message of [json('sns-notification-http.json'), json('sns-subscription-confirmation.json'), record]) {
      expect(message.SignatureVersion).toBe('2');
      expect(verifySnsSignature(parsed(message), CERT)).toBe(true);
    }
  });

  it('accepts signature version 2 (SHA256) and rejects any tampering', () => {
    const signed = sign(notification());
    expect(verifySnsSignature(parsed(signed), CERT)).toBe(true);
    const tampered = { ...signed, Message: (signed.Message as string).replace('annoyed.reader', 'someone.else') };
    expect(verifySnsSignature(parsed(tampered), CERT)).toBe(false);
    expect(verifySnsSignature(parsed({ ...signed, TopicArn: `${signed.TopicArn as string}-x` }), CERT)).toBe(false);
    expect(verifySnsSignature(parsed(signed), 'not a certificate')).toBe(false);
  });

  it('refuses signature version 1, even a valid SHA1 signature, and a v1 signature relabelled v2', () => {
    const v1 = sign(notification(), '1');
    expect(verifySnsSignature(parsed(v1), CERT)).toBe(false);
    expect(verifySnsSignature(parsed({ ...v1, SignatureVersion: '2' }), CERT)).toBe(false);
  });

  it("pins the certificate and subscribe URLs to SNS's host in the topic's own region, over https", () => {
    expect(isSnsCertificateUrl('https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem', TOPIC)).toBe(true);
    const china = 'arn:aws-cn:sns:cn-north-1:123456789012:let-go-prod-MailFeedbackTopic';
    expect(isSnsCertificateUrl('https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem', china)).toBe(true);
    for (const url of [
      'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem', // another region's host
      'https://sns.s3.amazonaws.com/SimpleNotificationService-abc.pem', // the S3 host
      'https://sns.us-east-1.amazonaws.com.cn/a.pem',
      'http://sns.us-east-1.amazonaws.com/a.pem',
      'https://sns.us-east-1.amazonaws.com.evil.test/a.pem',
      'https://evil.test/sns.us-east-1.amazonaws.com/a.pem',
      'https://sns.us-east-1.amazonaws.com:8443/a.pem',
      'https://user@sns.us-east-1.amazonaws.com/a.pem',
      'https://s3.amazonaws.com/a.pem',
      'https://sns.us-east-1.amazonaws.com/a.pem?x=1',
      'https://sns.us-east-1.amazonaws.com/a.txt',
      'not a url',
    ]) {
      expect(isSnsCertificateUrl(url, TOPIC), url).toBe(false);
    }
    expect(isSnsCertificateUrl('https://sns.us-east-1.amazonaws.com/a.pem', 'arn:aws:sns:us-east-1:1234:short')).toBe(false);
    expect(isSnsSubscribeUrl('https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=t', TOPIC)).toBe(true);
    expect(isSnsSubscribeUrl('https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=t', TOPIC)).toBe(false);
    expect(isSnsSubscribeUrl('https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe', TOPIC)).toBe(false);
    expect(isSnsSubscribeUrl('https://evil.test/?Action=ConfirmSubscription', TOPIC)).toBe(false);
  });
});

describe('createSnsVerifier', () => {
  it('fetches each certificate once and verifies with it', async () => {
    const get = vi.fn(async () => CERT);
    const verifier = createSnsVerifier(get);
    const signed = parsed(sign(notification()));
    expect(await verifier.verify(signed)).toBe(true);
    expect(await verifier.verify(signed)).toBe(true);
    expect(get).toHaveBeenCalledTimes(1);
    expect(get).toHaveBeenCalledWith(signed.signingCertUrl);
  });

  it("refuses, without fetching, a certificate URL off the topic region's SNS host and any version-1 message", async () => {
    const get = vi.fn(async () => CERT);
    const verifier = createSnsVerifier(get);
    for (const SigningCertURL of [
      'https://attacker.test/SimpleNotificationService-x.pem',
      'https://sns.s3.amazonaws.com/SimpleNotificationService-x.pem',
      'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-x.pem',
    ]) {
      expect(await verifier.verify(parsed(sign({ ...notification(), SigningCertURL }))), SigningCertURL).toBe(false);
    }
    expect(await verifier.verify(parsed(sign(notification(), '1')))).toBe(false);
    expect(get).not.toHaveBeenCalled();
  });

  it('does not cache a failed fetch', async () => {
    const get = vi.fn<(url: string) => Promise<string>>().mockRejectedValueOnce(new Error('timeout')).mockResolvedValue(CERT);
    const verifier = createSnsVerifier(get);
    const signed = parsed(sign(notification()));
    await expect(verifier.verify(signed)).rejects.toThrow('timeout');
    expect(await verifier.verify(signed)).toBe(true);
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('confirms a subscription only through a pinned SNS URL', async () => {
    const get = vi.fn(async () => '<ConfirmSubscriptionResponse/>');
    const verifier = createSnsVerifier(get);
    const confirmation = parsed(sign(json('sns-subscription-confirmation.json')));
    await verifier.confirmSubscription(confirmation);
    expect(get).toHaveBeenCalledWith(confirmation.subscribeUrl);
    await expect(verifier.confirmSubscription({ ...confirmation, subscribeUrl: 'https://evil.test/?Action=ConfirmSubscription' })).rejects.toThrow(
      /refusing/,
    );
    expect(get).toHaveBeenCalledTimes(1);
  });
});
