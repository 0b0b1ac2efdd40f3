import { SESClient } from '@aws-sdk/client-ses';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesMailer } from '../../functions/adapters/ses-mailer.js';
import { MailerError } from '../../functions/ports.js';

/**
 * SES on a bad day: a connection that is accepted and then never answered.
 * The real SDK against a local socket that swallows every request: without a
 * per-call timeout the send would hang until Lambda kills the function, with
 * the lesson's claim still held.
 */
let server: Server;
let endpoint: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', () => {}); // read the request, answer nothing
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  endpoint = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const stalledClient = () =>
  new SESClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

describe('SES mailer timeouts', () => {
  it('gives up on a stalled SendRawEmail after its own timeout, as a transient failure', { timeout: 5_000 }, async () => {
    const mailer = createSesMailer(stalledClient(), { sendTimeoutMs: 300 });
    const started = performance.now();
    const error = await mailer.send({ from: 'course@letgo.test', to: 'reader@example.com', raw: 'Subject: hi\r\n\r\nhello' }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(MailerError);
    expect((error as MailerError).kind).toBe('transient'); // retried later, never a suppression
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('times out by default too, well inside the drip\'s 10-second reserve', { timeout: 15_000 }, async () => {
    const mailer = createSesMailer(stalledClient());
    const started = performance.now();
    const error = await mailer.send({ from: 'course@letgo.test', to: 'reader@example.com', raw: 'Subject: hi\r\n\r\nhello' }).catch((e: unknown) => e);
    expect((error as MailerError).kind).toBe('transient');
    expect(performance.now() - started).toBeLessThan(9_000);
  });

  it('falls back to the configured quota when GetSendQuota stalls', { timeout: 5_000 }, async () => {
    const logged: string[] = [];
    const fallbackQuota = { maxSendRate: 3, max24HourSend: 300, sentLast24Hours: 0 };
    const mailer = createSesMailer(stalledClient(), { fallbackQuota, quotaTimeoutMs: 200, log: (event) => logged.push(event) });
    expect(await mailer.quota?.()).toEqual(fallbackQuota);
    expect(logged).toEqual(['ses.quota-fallback']);
  });
});
