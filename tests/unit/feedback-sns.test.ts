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

function sign(envelope: Record<string, unknown>, version: '1' | '2' = '1'): Record<string, unknown> {
  const unsigned = { ...envelope, SignatureVersion: version, Signature: 'unsigned' };
  const message = parseSnsMessage(unsigned) as SnsMessage;
  const signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256').update(stringToSign(message)).sign(KEY, 'base64');
  return { ...unsigned, Signature: signature };
}

const parsed = (envelope: Record<string, unknown>) => parseSnsMessage(envelope) as SnsMessage;
const notification = () => ({ ...json('sns-notification-http.json'), Message: fixture('ses-complaint.json') });

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
  it.each(['1', '2'] as const)('accepts signature version %s (SHA%s) and rejects any tampering', (version) => {
    const signed = sign(notification(), version);
    expect(verifySnsSignature(parsed(signed), CERT)).toBe(true);
    const tampered = { ...signed, Message: (signed.Message as string).replace('annoyed.reader', 'someone.else') };
    expect(verifySnsSignature(parsed(tampered), CERT)).toBe(false);
    expect(verifySnsSignature(parsed({ ...signed, TopicArn: `${signed.TopicArn as string}-x` }), CERT)).toBe(false);
    // Signed as v1, claimed as v2: the digest differs, so it fails.
    expect(verifySnsSignature(parsed({ ...signed, SignatureVersion: version === '1' ? '2' : '1' }), CERT)).toBe(false);
    expect(verifySnsSignature(parsed(signed), 'not a certificate')).toBe(false);
  });

  it('pins the certificate and subscribe URLs to SNS hosts over https', () => {
    expect(isSnsCertificateUrl('https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem')).toBe(true);
    for (const url of [
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
      expect(isSnsCertificateUrl(url), url).toBe(false);
    }
    expect(isSnsSubscribeUrl('https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=t')).toBe(true);
    expect(isSnsSubscribeUrl('https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe')).toBe(false);
    expect(isSnsSubscribeUrl('https://evil.test/?Action=ConfirmSubscription')).toBe(false);
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

  it('refuses a certificate URL off SNS hosts without fetching it', async () => {
    const get = vi.fn(async () => CERT);
    const forged = parsed(sign({ ...notification(), SigningCertURL: 'https://attacker.test/SimpleNotificationService-x.pem' }));
    expect(await createSnsVerifier(get).verify(forged)).toBe(false);
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
