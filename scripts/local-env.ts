import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { newTokenKey } from '../functions/core/tokens.js';
import { engineEnv } from './local-stack.js';
import { findStack } from './stack-file.js';

/** Settings shared by `npm start` and `npm run drip`, so both reach the same stack. */
export const DATA_DIR = process.env.DATA_DIR || '.data';
export const PORT = Number(process.env.PORT || 3000);
export const SES_PORT = Number(process.env.SES_PORT || 8005);
export const DYNAMO_PORT = Number(process.env.DYNAMO_PORT || 4567);

/**
 * Token keys for the local stack: made once and kept under .data/, so links in
 * the local mailbox keep working across restarts. Production uses SST secrets.
 */
export function localSecrets(dataDir = DATA_DIR): { TOKEN_KEYS: string; HASH_KEY: string } {
  const file = join(dataDir, 'secrets.json');
  const held = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<'TOKEN_KEYS' | 'HASH_KEY', string>>) : {};
  if (held.TOKEN_KEYS && held.HASH_KEY) return { TOKEN_KEYS: held.TOKEN_KEYS, HASH_KEY: held.HASH_KEY };
  // A .data/ from before HASH_KEY keeps its token keys (links in the mailbox keep working).
  const secrets = { TOKEN_KEYS: held.TOKEN_KEYS ?? newTokenKey('local1'), HASH_KEY: held.HASH_KEY ?? randomBytes(32).toString('base64') };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export function appEnv(port = PORT, dataDir = DATA_DIR): Record<string, string> {
  return {
    TABLE_NAME: process.env.TABLE_NAME || 'letgo-local',
    BASE_URL: process.env.BASE_URL || `http://localhost:${port}`,
    MAIL_FROM: process.env.MAIL_FROM || 'Let Go <course@letgo.local>',
    REPLY_TO: process.env.REPLY_TO || 'Let Go author <author@letgo.local>',
    AUTHOR_NAME: process.env.AUTHOR_NAME || '',
    SAFETY_RESOURCES_URL: process.env.SAFETY_RESOURCES_URL || '',
    UNSUBSCRIBE_MAILTO: process.env.UNSUBSCRIBE_MAILTO || 'mailto:unsubscribe@letgo.local?subject=unsubscribe',
    ALLOWED_ORIGINS: process.env.ALLOWED_ORIGINS || '',
    // The author's console and digest: on by default locally, into the local mailbox (AUTHOR_EMAIL= turns it off).
    AUTHOR_EMAIL: process.env.AUTHOR_EMAIL ?? 'author@letgo.local',
    AUTHOR_TIMEZONE: process.env.AUTHOR_TIMEZONE || '',
    DIGEST_HOUR: process.env.DIGEST_HOUR || '',
    ...localSecrets(dataDir),
  };
}

export function parseSpeed(value: string | undefined): number {
  const speed = Number(value ?? 1);
  if (!Number.isFinite(speed) || speed < 1 || speed > 100_000) {
    throw new Error(`CLOCK_SPEED must be a number from 1 to 100000, got "${value}"`);
  }
  return speed;
}

/** The settings that reach the stack running on `dataDir`, or why none can be reached (said in one line). */
export function localStackEnv(dataDir = DATA_DIR): { env: Record<string, string> } | { problem: string } {
  const found = findStack(dataDir);
  if (found && 'running' in found) {
    const { dynamoUrl, sesUrl, baseUrl, tableName, appPort } = found.running;
    return { env: { ...appEnv(appPort, dataDir), ...engineEnv({ dynamoUrl, sesUrl }), BASE_URL: baseUrl, TABLE_NAME: tableName } };
  }
  return {
    problem: found
      ? `The local stack on ${dataDir}/ (pid ${found.starting.pid}) is still starting: try again in a moment.`
      : `No local stack is running on ${dataDir}/: start one with npm start (or set DATA_DIR to the folder it runs on).`,
  };
}

/**
 * For the commands that talk to a running `npm start` (drip, privacy, breaker, send-test): finds it
 * from DATA_DIR/stack.json and points the SDK and the settings at it, whatever ports it chose.
 * With no stack running, an engine you name in AWS_ENDPOINT_URL_DYNAMODB is used as it is;
 * otherwise the command stops with one line saying so (exit code 1). For command lines only.
 */
export function useLocalStack(): void {
  const stack = localStackEnv();
  if ('env' in stack) {
    Object.assign(process.env, stack.env);
    return;
  }
  if (!findStack(DATA_DIR) && process.env.AWS_ENDPOINT_URL_DYNAMODB) {
    Object.assign(process.env, {
      ...engineEnv({
        dynamoUrl: process.env.AWS_ENDPOINT_URL_DYNAMODB,
        sesUrl: process.env.AWS_ENDPOINT_URL_SES || `http://127.0.0.1:${SES_PORT}`,
      }),
      ...appEnv(),
    });
    return;
  }
  console.error(stack.problem);
  process.exit(1);
}
