import type { LambdaEvent } from 'hono/aws-lambda';
import { handle } from 'hono/aws-lambda';
import type { Context as LambdaContext } from 'aws-lambda';
import * as z from 'zod';
import { parseEnv } from './config.js';
import { createApp } from './http/app.js';
import { behindCloudFront, originSecretList } from './http/viewer-address.js';
import { outlineOnly } from './outline.js';
import { createRuntime, systemClock } from './runtime.js';

type FunctionUrlEnv = { requestContext?: { http?: { sourceIp?: string } } } | undefined;

// Set exactly when the API sits behind CloudFront (API_DOMAIN, infra/cloudfront.ts).
const { ORIGIN_SECRET } = parseEnv(z.object({ ORIGIN_SECRET: originSecretList.optional() }), process.env, 'API configuration');
const cloudFront = ORIGIN_SECRET ? behindCloudFront(ORIGIN_SECRET) : undefined;

let handleRequest: ReturnType<typeof handle> | undefined;

/**
 * Lambda entry point (Function URL). The app is built once per container; its
 * links use BASE_URL (a custom domain) or else the Function URL it is served on,
 * which a function cannot know from its own configuration.
 * The reader's address: with CloudFront in front, the viewer address it adds,
 * only on requests carrying its origin secret (everything else is refused);
 * without, the Function URL's own view of the caller.
 */
export async function handler(event: LambdaEvent, context: LambdaContext) {
  if (!handleRequest) {
    const domain = (event.requestContext as { domainName?: string }).domainName;
    const env = { ...process.env, BASE_URL: process.env.BASE_URL || (domain && `https://${domain}`) };
    const app = createApp({
      ...createRuntime(env, systemClock, outlineOnly),
      originGuard: cloudFront?.guard,
      clientIp: cloudFront?.clientIp ?? ((c) => (c.env as FunctionUrlEnv)?.requestContext?.http?.sourceIp),
    });
    handleRequest = handle(app);
  }
  return handleRequest(event, context);
}
