import { readFileSync } from 'node:fs';
import { signLink } from '../../functions/core/link-tokens.js';
import { parseKeyring } from '../../functions/core/tokens.js';
import { lambdaEnv } from './engines.js';

import type { LambdaEvent } from 'hono/aws-lambda';

type Recorded = { body: string; isBase64Encoded?: boolean; headers: Record<string, string> };

/**
 * A recorded Function URL event, its form carrying the token our sign-up page
 * would have served a few seconds earlier (form tokens are single use and last
 * an hour, so no recording can hold a live one).
 */
export function formEvent(name: string): LambdaEvent & Recorded {
  const event = JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as LambdaEvent & Recorded;
  const issued = Buffer.alloc(6);
  issued.writeUIntBE(Date.now() - 5_000, 0, 6);
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(6)));
  const token = signLink(parseKeyring(lambdaEnv('').TOKEN_KEYS ?? ''), 'form', Buffer.concat([issued, nonce]));
  const form = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const body = `${form}&form_token=${token}`;
  return { ...event, body: event.isBase64Encoded ? Buffer.from(body).toString('base64') : body };
}
