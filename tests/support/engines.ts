import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { ensureTable } from '../../functions/adapters/dynamo-store.js';

/** SDK clients pointed at the engines global-setup started (dynalite, aws-ses-v2-local). */
const local = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

export function dynamoClient(): DynamoDBClient {
  return new DynamoDBClient({ ...local, endpoint: inject('dynamoUrl') });
}

/**
 * An SES client whose raw messages are also kept here: aws-ses-v2-local drops
 * custom headers, so header assertions read the MIME the SDK actually sent.
 */
export function capturingSesClient(): { client: SESClient; raws: string[] } {
  const client = new SESClient({ ...local, endpoint: inject('sesUrl') });
  const raws: string[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { RawMessage?: { Data?: Uint8Array } };
      if (input.RawMessage?.Data) raws.push(Buffer.from(input.RawMessage.Data).toString('utf8'));
      return next(args);
    },
    { step: 'initialize', name: 'captureRawMime' },
  );
  return { client, raws };
}

/** A table of its own per test file, so files can run in parallel against one dynalite. */
export async function freshTable(client: DynamoDBClient): Promise<string> {
  const name = `t-${randomUUID()}`;
  await ensureTable(client, name);
  return name;
}

export type MailboxEmail = {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
};

/** The local mailbox's JSON (GET /store), filtered to one recipient. */
export async function mailboxFor(address: string): Promise<MailboxEmail[]> {
  const response = await fetch(`${inject('sesUrl')}/store`);
  const { emails } = (await response.json()) as { emails: MailboxEmail[] };
  return emails.filter((email) => email.destination.to.some((to) => to.includes(address)));
}

export async function clearMailbox(): Promise<void> {
  await fetch(`${inject('sesUrl')}/clear-store`, { method: 'POST' });
}

/**
 * The environment an author's command (`npm run privacy`, `npm run stats`) runs in: this
 * process's, pointed at the test engines, one table and a data folder of its own. Vite puts its
 * own BASE_URL ("/") into the environment; a command must not inherit it.
 */
export function cliEnv(tableName: string, dataDir: string): NodeJS.ProcessEnv {
  const { BASE_URL: _vite, ...inherited } = process.env;
  return { ...inherited, AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoUrl'), AWS_ENDPOINT_URL_SES: inject('sesUrl'), TABLE_NAME: tableName, DATA_DIR: dataDir };
}

/** The environment a deployed function reads, pointed at the test engines and one table. */
export function lambdaEnv(tableName: string): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoUrl'),
    AWS_ENDPOINT_URL_SES: inject('sesUrl'),
    TABLE_NAME: tableName,
    MAIL_FROM: 'Let Go <course@letgo.test>',
    REPLY_TO: 'Robin <robin@letgo.test>',
    UNSUBSCRIBE_MAILTO: 'mailto:unsubscribe@letgo.test',
    TOKEN_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    HASH_KEY: Buffer.alloc(32, 6).toString('base64'),
  };
}
