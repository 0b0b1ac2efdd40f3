import { GetIdentityVerificationAttributesCommand, type SESClient } from '@aws-sdk/client-ses';
import type { Recipients } from './send.js';

/**
 * Whether SES has verified this address, or its domain (a verified domain may receive too): one
 * GetIdentityVerificationAttributes call for both. Anything but "Success" (pending, failed, absent) is no.
 */
export function sesVerified(client: Pick<SESClient, 'send'>): Recipients['isVerified'] {
  return async (address) => {
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const answer = await client.send(new GetIdentityVerificationAttributesCommand({ Identities: [address, domain] }));
    const attributes = answer.VerificationAttributes ?? {};
    return [address, domain].some((identity) => attributes[identity]?.VerificationStatus === 'Success');
  };
}
