import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Hono } from 'hono';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { createDynamoOutbox } from '../../functions/adapters/outboxes.js';
import { newTokenKey } from '../../functions/core/tokens.js';
import { createApp } from '../../functions/http/app.js';
import { fullCourse } from '../../functions/course.js';
import { createRuntime } from '../../functions/runtime.js';
import { createNoticeRunner } from '../../functions/services/outbox-runner.js';
import { engineEnv } from '../../scripts/local-stack.js';
import { dynamoClient, freshTable, mailboxFor, type MailboxEmail } from '../support/engines.js';
import { testClock } from '../support/fixtures.js';

/**
 * The real app over HTTP, wired like `npm start` (createRuntime, @hono/node-server,
 * the socket's address as client IP), against the engines global-setup started,
 * on a table of its own and a clock the test moves.
 */
export async function startApp(start: string, extraEnv: Record<string, string> = {}) {
  // createRuntime's SDK clients find the engines through these, exactly as under npm start.
  Object.assign(process.env, engineEnv({ dynamoUrl: inject('dynamoUrl'), sesUrl: inject('sesUrl') }));
  const client = dynamoClient();
  const table = await freshTable(client);
  client.destroy();

  // Links in emails must point at this server, so the port is known before the runtime is built.
  let app: Hono | undefined;
  const server = serve({ fetch: (request, env) => (app as Hono).fetch(request, env), port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const clock = testClock(start);
  const env = {
    TABLE_NAME: table,
    BASE_URL: baseUrl,
    MAIL_FROM: 'Let Go <course@letgo.test>',
    REPLY_TO: 'Robin <robin@letgo.test>',
    UNSUBSCRIBE_MAILTO: 'mailto:unsubscribe@letgo.test?subject=unsubscribe',
    TOKEN_KEYS: newTokenKey('browser1'),
    HASH_KEY: Buffer.alloc(32, 5).toString('base64'),
    ...extraEnv,
  };
  const deps = createRuntime(env, clock, fullCourse);
  // The form's notices through the durable outbox in the same table, as npm start runs them.
  const notices = createNoticeRunner(deps, createDynamoOutbox(dynamoClient(), table));
  app = createApp({ ...deps, clientIp: (c) => getConnInfo(c).remote.address });

  return {
    baseUrl,
    clock,
    deps,
    notices,
    stop: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits for a mail to `address` that `match` picks (the local mailbox stores on send, but be patient). */
export async function waitForMail(address: string, match: (mail: MailboxEmail) => boolean): Promise<MailboxEmail> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const found = (await mailboxFor(address)).filter(match).at(-1);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no matching mail for ${address} in the local mailbox`);
}

/** The first `${baseUrl}${path}?t=…` link in a mail's text part. */
export function linkFrom(mail: MailboxEmail, baseUrl: string, path: string): string {
  const found = (mail.body.text ?? '').match(new RegExp(`${baseUrl.replace(/[.:/]/g, '\\$&')}${path}\\?t=[\\w.-]+`));
  if (!found) throw new Error(`no ${path} link in "${mail.subject}"`);
  return found[0];
}
