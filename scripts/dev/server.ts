// `npm run dev`'s server: builds the course in process, rebuilds on every save under content/ and
// emails/, and tells open pages over Server-Sent Events. The test send goes to the running local
// stack (found from DATA_DIR/stack.json), never anywhere else.
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { displayName } from '../../functions/config.js';
import { createRuntime, systemClock } from '../../functions/runtime.js';
import { closeServer, listen } from '../local-stack.js';
import { localStackEnv } from '../local-env.js';
import { sendTest, TestSendError } from '../send-test/send.js';
import type { Filters } from '../spam-filters.js';
import { createBuilder, type DevState } from './builder.js';
import { coursePage, emailPage, missingPage } from './pages.js';
import { watchDirs } from './watch.js';

export type DevServerOptions = {
  contentDir: string;
  templatesDir: string;
  /** 0: a free port. */
  port: number;
  articleFile?: string;
  spam?: Filters;
  /** The sender a lock screen shows (the display name of MAIL_FROM). */
  mailFrom?: string;
  /** Where the send-test form sends by default. */
  authorEmail?: string;
  /** The local stack's data dir (DATA_DIR): where the test send finds its mailbox. */
  dataDir?: string;
};

export async function startDevServer(options: DevServerOptions) {
  const builder = createBuilder(options);
  // The form's token: only this page can make the server send (a page elsewhere cannot read it).
  const token = randomBytes(16).toString('base64url');
  const sender = displayName(options.mailFrom ?? 'Let Go <course@letgo.local>');
  let lastTo = options.authorEmail ?? 'author@letgo.local';
  const streams = new Set<() => void>();

  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  app.get('/', (c) => c.html(coursePage(builder.current())));
  app.get('/email/:id', (c) => {
    const state = builder.current();
    const found = state.report?.emails.find((r) => r.item.id === c.req.param('id'));
    if (!found) return c.html(missingPage(state, c.req.param('id')), 404);
    const send = { token, to: lastTo, notice: c.req.query('sent'), problem: c.req.query('problem'), available: 'env' in localStackEnv(options.dataDir) };
    return c.html(emailPage(state, found, sender, send));
  });
  app.get('/state.json', (c) => {
    const { version, problems, report, buildMs, scoring } = builder.current();
    return c.json({ version, ok: !problems, buildMs, scoring, problems, emails: report?.emails.length ?? 0 });
  });
  app.get('/events', (c) => streamSSE(c, async (stream) => {
    const send = (state: DevState) => void stream.writeSSE({ event: 'build', data: String(state.version) });
    const unsubscribe = builder.onChange(send);
    send(builder.current());
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      streams.add(done);
      stream.onAbort(done);
    });
    unsubscribe();
  }));
  app.post('/send-test', async (c) => {
    const form = await c.req.parseBody();
    const id = String(form.id ?? '');
    const back = (query: Record<string, string>) => c.redirect(`/email/${encodeURIComponent(id)}?${new URLSearchParams(query)}`, 303);
    if (form.token !== token) return c.text('This form is out of date: reload the page.', 403);
    const course = builder.current().report?.course;
    const stack = localStackEnv(options.dataDir);
    if (!course) return back({ problem: 'Nothing has built yet.' });
    if (!('env' in stack)) return back({ problem: stack.problem });
    lastTo = String(form.to ?? '').trim();
    try {
      // The SDK reads the stack's endpoints from the environment, as npm run send-test does.
      Object.assign(process.env, stack.env);
      const sent = await sendTest(createRuntime(stack.env, systemClock, course), id, lastTo);
      return back({ sent: `Sent "${sent.subject}" to ${sent.to}: open the mailbox at ${stack.env.AWS_ENDPOINT_URL_SES}/` });
    } catch (error) {
      return back({ problem: error instanceof TestSendError ? error.message : `The send failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  });

  await builder.rebuild();
  const watcher = watchDirs([options.contentDir, options.templatesDir], () => void builder.rebuild());
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  const port = await listen(server, options.port, 'the dev server, DEV_PORT');
  return {
    url: `http://localhost:${port}`,
    port,
    builder,
    async stop() {
      watcher.close();
      for (const done of streams) done();
      await closeServer(server);
    },
  };
}
