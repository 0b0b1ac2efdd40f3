import { createAdaptorServer } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { proxy } from 'hono/proxy';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listen, sesLocal } from '../local-stack.js';
import { clearMailboxFile, dateHeader, findEmail, keepEmail, mailboxEmails, messageIdsIn, restoreMailbox, type MailboxEmail } from './mailbox-file.js';
import { emailPage, listPage, missingPage, type MailView } from './mailbox-pages.js';

export type MailboxOptions = {
  port: number;
  /** The JSON Lines file that keeps every email across restarts. */
  file: string;
  /** The reader's IANA time zone, from their subscriber record. */
  zoneOf(address: string): Promise<string | undefined>;
};
export type Mailbox = { url: string; port: number; restored: number; stop(): Promise<void> };

/**
 * `npm start`'s mailbox on SES_PORT: aws-ses-v2-local, unchanged, behind a small front that
 * keeps each email it accepts on disk (with the Date header it would otherwise drop) and
 * serves a phone-sized inbox at `/`. Everything else, `GET /store` and the SES API included,
 * passes through as is.
 */
export async function startMailbox(options: MailboxOptions): Promise<Mailbox> {
  const restored = restoreMailbox(options.file);
  const upstream = await sesLocal({ port: 0, host: '127.0.0.1' });
  const target = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const forward = (c: Context, body?: ArrayBuffer) => {
    const { pathname, search } = new URL(c.req.url);
    return proxy(`${target}${pathname}${search}`, { raw: c.req.raw, ...(body && { body }) });
  };

  const view = async (emails: readonly MailboxEmail[]): Promise<MailView[]> => {
    const zones = new Map<string, Promise<string | undefined>>();
    const zoneOf = (email: MailboxEmail) => {
      const address = readerAddress(email);
      if (!zones.has(address)) zones.set(address, options.zoneOf(address).catch(() => undefined));
      return zones.get(address) as Promise<string | undefined>;
    };
    return Promise.all(emails.map(async (email) => ({ email, zone: await zoneOf(email) })));
  };

  // aws-ses-v2-local stores an email before it answers, and its send time is added once the
  // answer is back: sends and reads take turns, so nothing reads an email without it.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const run = turn.then(work, work);
    turn = run.catch(() => undefined);
    return run;
  };

  const app = new Hono();
  app.get('/', async (c) => c.html(listPage(await view(await inTurn(async () => [...mailboxEmails()])), options.file)));
  app.get('/store', (c) => inTurn(() => forward(c)));
  app.get('/email/:id', async (c) => {
    const email = await inTurn(async () => findEmail(c.req.param('id')));
    if (!email) return c.html(missingPage(), 404);
    const [shown] = await view([email]);
    return c.html(emailPage(shown as MailView));
  });
  app.post('/clear-store', async (c) => {
    const answer = await inTurn(async () => {
      const cleared = await forward(c);
      if (cleared.ok) clearMailboxFile(options.file);
      return cleared;
    });
    // The inbox's own button posts a form; API clients (tests) get aws-ses-v2-local's answer.
    const fromPage = c.req.header('content-type')?.startsWith('application/x-www-form-urlencoded');
    return fromPage && answer.ok ? c.redirect('/', 303) : answer;
  });
  app.all('*', async (c) => {
    if (c.req.method !== 'POST') return forward(c);
    const body = await c.req.arrayBuffer();
    const sentAt = dateHeader(new URLSearchParams(Buffer.from(body).toString('utf8')).get('RawMessage.Data'));
    return inTurn(async () => {
      const answer = await forward(c, body);
      if (!answer.ok) return answer;
      const text = await answer.text();
      for (const id of messageIdsIn(text)) {
        const email = findEmail(id);
        if (email) keepEmail(options.file, email, sentAt);
      }
      return new Response(text, { status: answer.status, headers: answer.headers });
    });
  });

  const front = createAdaptorServer({ fetch: app.fetch }) as Server;
  let port: number;
  try {
    port = await listen(front, options.port, 'the SES mailbox, SES_PORT');
  } catch (error) {
    await closeServer(upstream);
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    restored,
    async stop() {
      await Promise.all([closeServer(front), closeServer(upstream)]);
    },
  };
}

/** The bare address of an email's first recipient ("Sam <sam@example.com>" → sam@example.com). */
function readerAddress(email: MailboxEmail): string {
  const to = email.destination.to[0] ?? '';
  return (/<([^>]+)>/.exec(to)?.[1] ?? to).trim();
}
