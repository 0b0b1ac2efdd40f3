import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as z from 'zod';

/**
 * `.data/stack.json`: the running `npm start` records where it listens, so `npm run drip`,
 * `privacy` and `breaker` find it without repeating the port variables. The same file is
 * the lock that keeps a second `npm start` off the same data dir. It holds a pid, so a
 * crashed stack never leaves it stuck: a file whose process is gone counts as no stack.
 */
const recordSchema = z.object({
  pid: z.number().int().positive(),
  dataDir: z.string(),
  startedAt: z.string(),
  // Absent while the stack is still starting.
  baseUrl: z.string().optional(),
  appPort: z.number().optional(),
  sesUrl: z.string().optional(),
  dynamoUrl: z.string().optional(),
  /** False when DynamoDB is an engine of your own (AWS_ENDPOINT_URL_DYNAMODB). */
  dynalite: z.boolean().optional(),
  tableName: z.string().optional(),
});
export type StackRecord = z.infer<typeof recordSchema>;
export type RunningStack = Required<StackRecord>;

export class StackRunningError extends Error {
  override name = 'StackRunningError';
  constructor(readonly holder: StackRecord) {
    super(`a local stack is already ${holder.baseUrl ? 'running' : 'starting'} on ${holder.dataDir}/ (${describeStack(holder)}): stop it (Ctrl-C in its terminal) or give this one another DATA_DIR`);
  }
}

export const stackFile = (dataDir: string) => join(dataDir, 'stack.json');

/** Whether a process with this id exists (EPERM: it does, it is just not ours to signal). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function describeStack(stack: StackRecord): string {
  const parts = [`pid ${stack.pid}`];
  if (stack.baseUrl) parts.push(`app ${stack.baseUrl}`, `mailbox ${stack.sesUrl}`, `DynamoDB ${stack.dynamoUrl}`);
  return parts.join(', ');
}

function readRecord(dataDir: string): StackRecord | undefined {
  try {
    const parsed = recordSchema.safeParse(JSON.parse(readFileSync(stackFile(dataDir), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The stack running on `dataDir`, if any: a record whose process is gone is not one. */
export function findStack(dataDir: string): { running: RunningStack } | { starting: StackRecord } | undefined {
  const record = readRecord(dataDir);
  if (!record || !isAlive(record.pid)) return undefined;
  const { baseUrl, appPort, sesUrl, dynamoUrl, dynalite, tableName } = record;
  if (baseUrl && appPort !== undefined && sesUrl && dynamoUrl && dynalite !== undefined && tableName) {
    return { running: { ...record, baseUrl, appPort, sesUrl, dynamoUrl, dynalite, tableName } };
  }
  return { starting: record };
}

export type StackClaim = { update(fields: Omit<StackRecord, 'pid' | 'dataDir' | 'startedAt'>): void; release(): void };

/**
 * Takes the data dir for this process or throws StackRunningError naming the one that has it.
 * The file appears whole or not at all (written aside, then hard-linked into place, which
 * fails if it exists), so a start never reads a half-written record and takes it for stale.
 */
export function claimStack(dataDir: string, pid = process.pid, now = new Date()): StackClaim {
  mkdirSync(dataDir, { recursive: true });
  const file = stackFile(dataDir);
  const record: StackRecord = { pid, dataDir: resolve(dataDir), startedAt: now.toISOString() };
  const aside = `${file}.${pid}.tmp`;
  const writeAside = (value: StackRecord) => writeFileSync(aside, `${JSON.stringify(value, null, 2)}\n`);
  writeAside(record);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(aside, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
        const holder = readRecord(dataDir);
        if (holder && isAlive(holder.pid)) throw new StackRunningError(holder);
        // Left by a stack that crashed (or unreadable): no one holds it.
        rmSync(file, { force: true });
      }
    }
  } finally {
    rmSync(aside, { force: true });
  }
  let current = record;
  return {
    update(fields) {
      current = { ...current, ...fields };
      writeAside(current);
      renameSync(aside, file);
    },
    release() {
      // Only our own record: never one a later stack wrote after taking over.
      if (readRecord(dataDir)?.pid === pid) rmSync(file, { force: true });
    },
  };
}
