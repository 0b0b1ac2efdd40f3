import { isSnsCertificateUrl, isSnsSubscribeUrl, verifySnsSignature, type SnsMessage } from '../core/sns-message.js';

/** The one piece of I/O SNS checks need: GET an https URL, resolve its body. Tests pass a fake. */
export type HttpsGet = (url: string) => Promise<string>;

/** What the feedback service asks of SNS (services/feedback.ts). */
export interface SnsGateway {
  /**
   * True when SNS signed this message (signature version 2) with a certificate
   * served from SNS's endpoint in the topic's region. False for a forgery, a
   * version-1 signature or a foreign certificate URL (never fetched); throws
   * only when the certificate could not be fetched (worth a retry).
   */
  verify(message: SnsMessage): Promise<boolean>;
  /** Confirms an HTTP subscription by GETting its SubscribeURL; refuses any URL off the topic region's SNS host. */
  confirmSubscription(message: SnsMessage): Promise<void>;
}

export class SnsUrlError extends Error {
  override name = 'SnsUrlError';
}

const MAX_CACHED = 20;

/**
 * Signature checks with certificates cached per URL for the life of the
 * container: SNS rotates its signing certificate rarely, and a new one comes
 * with a new URL. A failed fetch is not cached, so the next message retries.
 */
export function createSnsVerifier(get: HttpsGet): SnsGateway {
  const certificates = new Map<string, Promise<string>>();
  const certificate = (url: string): Promise<string> => {
    const cached = certificates.get(url);
    if (cached) return cached;
    if (certificates.size >= MAX_CACHED) certificates.clear();
    const fetching = get(url);
    certificates.set(url, fetching);
    fetching.catch(() => certificates.delete(url));
    return fetching;
  };
  return {
    async verify(message) {
      if (message.signatureVersion !== '2' || !isSnsCertificateUrl(message.signingCertUrl, message.topicArn)) return false;
      return verifySnsSignature(message, await certificate(message.signingCertUrl));
    },
    async confirmSubscription(message) {
      const url = message.subscribeUrl ?? '';
      if (!isSnsSubscribeUrl(url, message.topicArn)) throw new SnsUrlError(`refusing to confirm through ${url || 'no URL'}`);
      await get(url);
    },
  };
}

/**
 * The production HttpsGet: Node's fetch with a short timeout. Redirects are
 * refused: a redirect could lead off the pinned SNS host.
 */
export async function fetchText(url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(3_000) });
  if (!response.ok) throw new Error(`GET ${new URL(url).host}${new URL(url).pathname} answered ${response.status}`);
  return response.text();
}
