import type { LambdaEvent } from 'hono/aws-lambda';
import { handle } from 'hono/aws-lambda';
import type { Context as LambdaContext } from 'aws-lambda';
import { createApp } from './http/app.js';
import { noticesOnly } from './notices.js';
import { createRuntime, systemClock } from './runtime.js';

type FunctionUrlEnv = { requestContext?: { http?: { sourceIp?: string } } } | undefined;

let handleRequest: ReturnType<typeof handle> | undefined;

/**
 * Lambda entry point (Function URL). The app is built once per container; its
 * links use BASE_URL (a custom domain) or else the Function URL it is served on,
 * which a function cannot know from its own configuration.
 */
export async function handler(event: LambdaEvent, context: LambdaContext) {
  if (!handleRequest) {
    const domain = (event.requestContext as { domainName?: string }).domainName;
    const env = { ...process.env, BASE_URL: process.env.BASE_URL || (domain && `https://${domain}`) };
    const app = createApp({
      ...createRuntime(env, systemClock, noticesOnly),
      clientIp: (c) => (c.env as FunctionUrlEnv)?.requestContext?.http?.sourceIp,
    });
    handleRequest = handle(app);
  }
  return handleRequest(event, context);
}
