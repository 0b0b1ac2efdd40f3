import { handle } from 'hono/aws-lambda';
import { createApp } from './http/app.js';
import { createRuntime, systemClock } from './runtime.js';

type FunctionUrlEnv = { requestContext?: { http?: { sourceIp?: string } } } | undefined;

/** Lambda entry point (Function URL): one app per container, built at cold start. */
const app = createApp({
  ...createRuntime(process.env, systemClock),
  clientIp: (c) => (c.env as FunctionUrlEnv)?.requestContext?.http?.sourceIp,
});

export const handler = handle(app);
