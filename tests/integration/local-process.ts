import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningStack } from '../../scripts/stack-file.js';

/**
 * `npm start` and the helper commands run as a person runs them: real child processes
 * (node with tsx, so the pid is the stack's own), free ports, a data dir of their own.
 * Generous waits: two cores are shared by many processes while these run.
 */
const STARTUP_MS = 90_000;

const dataDirs: string[] = [];
export function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'letgo-stack-'));
  dataDirs.push(dir);
  return dir;
}

/** For afterAll, once every stack of the file has stopped. */
export function removeDataDirs(): void {
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The environment of a fresh shell: nothing inherited that names a port, an engine or a table. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(PORT|SES_PORT|DYNAMO_PORT|BASE_URL|TABLE_NAME|DATA_DIR|CLOCK_SPEED|SCHEDULER|AWS_.*)$/.test(key)) delete env[key];
  }
  return { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra };
}

export type Stack = {
  child: ChildProcess;
  record: RunningStack;
  output(): string;
  /** Ctrl-C: resolves with the exit code. */
  stop(): Promise<number | null>;
  crash(): Promise<void>;
};

function collect(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => void (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => void (text += chunk.toString()));
  return () => text;
}

function startProcess(dataDir: string, env: Record<string, string>, args: string[]): ChildProcess {
  const base = { DATA_DIR: dataDir, PORT: '0', SES_PORT: '0', DYNAMO_PORT: '0', SCHEDULER: 'off' };
  return spawn(process.execPath, ['--import', 'tsx', 'scripts/local.ts', ...args], { env: cleanEnv({ ...base, ...env }) });
}

/** Starts `npm start`'s main and waits for its "running" line. */
export async function startStack(dataDir: string, env: Record<string, string> = {}, args: string[] = []): Promise<Stack> {
  const child = startProcess(dataDir, env, args);
  const output = collect(child);
  const exited = once(child, 'exit');
  const deadline = Date.now() + STARTUP_MS;
  while (!output().includes('Let Go is running.')) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`npm start did not come up in ${STARTUP_MS / 1000} s:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let record: RunningStack;
  try {
    record = JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as RunningStack;
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`npm start is running but left no readable ${join(dataDir, 'stack.json')}`, { cause: error });
  }
  return {
    child,
    record,
    output,
    async stop() {
      child.kill('SIGINT');
      const [code] = (await exited) as [number | null];
      return code;
    },
    async crash() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A start expected to end by itself (refused): its exit code and what it printed. */
export async function startAndWaitForExit(dataDir: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = startProcess(dataDir, env, []);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), STARTUP_MS);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** One of the helper commands (drip, privacy, breaker), with only DATA_DIR to find the stack by. */
export function runCommand(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], { env: cleanEnv(env), timeout: STARTUP_MS }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

export type StoredEmail = { messageId: string; subject: string; destination: { to: string[] }; body: { text?: string }; sentAt?: string };

/** Signs a reader up through the app, as the JSON form does, and waits for their email in the mailbox. */
export async function signUpAndWait(stack: RunningStack, email: string, timezone: string): Promise<StoredEmail> {
  const response = await fetch(`${stack.baseUrl}/subscribe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ email, timezone, send_hour: 8 }),
  });
  if (!response.ok) throw new Error(`sign-up answered ${response.status}: ${await response.text()}`);
  return waitForEmail(stack, email, 0);
}

/** Waits for the reader's email number `index` (0: the first they got) to land in the mailbox. */
export async function waitForEmail(stack: RunningStack, email: string, index: number, waitMs = 30_000): Promise<StoredEmail> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const found = (await mailbox(stack)).filter((mail) => mail.destination.to.includes(email))[index];
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no email number ${index + 1} to ${email} in the mailbox after ${waitMs / 1000} s`);
}

/** Presses Confirm, as the confirmation email's link and its page's button do. */
export async function confirmFrom(stack: RunningStack, confirmation: StoredEmail): Promise<void> {
  const link = confirmation.body.text?.match(/https?:\/\/\S+\/confirm\?t=[\w.-]+/)?.[0];
  if (!link) throw new Error(`no confirm link in "${confirmation.subject}"`);
  const t = new URL(link).searchParams.get('t') ?? '';
  const response = await fetch(`${stack.baseUrl}/confirm`, { method: 'POST', body: new URLSearchParams({ t }) });
  if (!response.ok) throw new Error(`confirm answered ${response.status}`);
}

export async function mailbox(stack: RunningStack): Promise<StoredEmail[]> {
  const { emails } = (await (await fetch(`${stack.sesUrl}/store`)).json()) as { emails: StoredEmail[] };
  return emails;
}
