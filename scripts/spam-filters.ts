import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';

/**
 * SpamAssassin and rspamd, as Debian packages them, scoring raw messages.
 * Both run locally with no real sending domain, no relay and no DNS of ours, so
 * what they say about authentication, DNS and the network describes the test
 * machine, not the message: those symbols are listed here with the reason and
 * left out of the total. Everything else (headers, MIME, HTML, text, URLs) counts.
 */
export type Hit = { rule: string; score: number };
export type Verdict = { total: number; counted: Hit[]; excluded: Hit[] };
export type Filter = { name: 'SpamAssassin' | 'rspamd'; score(raw: string): Promise<Verdict> };
export type Filters = { spamassassin?: Filter; rspamd?: Filter; missing: string[]; stop(): Promise<void> };

/** rspamd symbols about the delivery, not the content. */
export const RSPAMD_EXCLUDED: Record<string, string> = {
  HFILTER_HOSTNAME_UNKNOWN: 'no connecting host: the message is handed over without SMTP, so there is no client hostname',
  RCVD_COUNT_ZERO: 'no Received header: SES adds them when it relays',
  ONCE_RECEIVED: 'Received headers are added by SES on the way',
  RCVD_NO_TLS_LAST: 'no relay, so no TLS hop to see',
  R_DKIM_NA: 'DKIM is signed by SES on sending, after this message is built',
  R_SPF_NA: 'SPF is checked against the sending IP, which a local scan has none of',
  R_SPF_DNSFAIL: 'SPF needs DNS for the sending domain',
  R_SPF_PERMFAIL: 'SPF needs DNS for the sending domain',
  DMARC_NA: 'DMARC needs the real domain\'s DNS record',
  DMARC_DNSFAIL: 'DMARC needs the real domain\'s DNS record',
  ARC_NA: 'ARC seals are added by forwarding servers',
  ASN: 'network: the connecting IP\'s autonomous system',
  MX_INVALID: 'DNS: the sample sending domain has no MX',
  MX_MISSING: 'DNS: the sample sending domain has no MX',
  DNSWL_BLOCKED: 'DNS list lookups refused on a local resolver',
  RBL_SENDERSCORE_UNKNOWN: 'IP reputation of a sending IP there is none of',
  RWL_MAILSPIKE_POSSIBLE: 'IP reputation of a sending IP there is none of',
};

/** SpamAssassin rules about the delivery, not the content (all informational at 0 or -0.0 points). */
export const SPAMASSASSIN_EXCLUDED: Record<string, string> = {
  NO_RECEIVED: 'no Received header: SES adds them when it relays',
  NO_RELAYS: 'not relayed over SMTP yet',
};

/** SpamAssassin: at most this many points. */
export const SPAMASSASSIN_LIMIT = 0.5;
/** rspamd: at most this many points from content rules. */
export const RSPAMD_LIMIT = 1.0;

function verdict(hits: Hit[], excluded: Record<string, string>): Verdict {
  const counted = hits.filter((h) => !(h.rule in excluded));
  const total = Math.round(counted.reduce((sum, h) => sum + h.score, 0) * 100) / 100;
  return { total, counted, excluded: hits.filter((h) => h.rule in excluded) };
}

/** The rule table of a SpamAssassin report (`spamc -R`, or `spamassassin -t`): " 0.7 RULE_NAME  description". */
export function parseSpamAssassinReport(report: string): Hit[] {
  // The table runs from its heading to the first blank line (`spamassassin -t` prints the message after it).
  const table = (report.split(/^ pts rule name.*\n-+ -+ -+\n/m)[1] ?? '').split(/\n\s*\n/)[0] ?? '';
  return [...table.matchAll(/^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\b/gm)].map((m) => ({ rule: m[2] ?? '', score: Number(m[1]) }));
}

function run(command: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    // spamc exits with 1 when a message is spam (with -E) and 0 otherwise; anything else is a failure.
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${err || out}`))));
    child.stdin.end(input);
  });
}

const has = (file: string): boolean => existsSync(file);

/** Which filters this machine has (Debian's paths), known before any daemon is started. */
export function installedFilters(): { spamassassin: boolean; rspamd: boolean } {
  return { spamassassin: has('/usr/bin/spamassassin'), rspamd: has('/usr/bin/rspamd') };
}
const isRoot = (): boolean => process.getuid?.() === 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitFor(ready: () => Promise<boolean>, what: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // Ready first: a second run that loses the race for the port finds the first one's daemon up.
    if (await ready()) return;
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before it was ready`);
    await sleep(300);
  }
  throw new Error(`${what} was not ready after ${timeoutMs / 1000} s`);
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * SpamAssassin through its daemon (spamd started here on a free port, local tests
 * only, no user preferences; `spamc` per message is ~0.3 s against ~2 s for a
 * fresh `spamassassin`), or `spamassassin -t -L` per message when spamd is absent.
 */
async function startSpamAssassin(started: ChildProcess[]): Promise<Filter> {
  const score = async (args: string[], command: string, raw: string) =>
    verdict(parseSpamAssassinReport(await run(command, args, raw)), SPAMASSASSIN_EXCLUDED);
  if (!has('/usr/sbin/spamd') || !has('/usr/bin/spamc')) {
    return { name: 'SpamAssassin', score: (raw) => score(['-t', '-L'], '/usr/bin/spamassassin', raw) };
  }
  const port = await freePort();
  const children = String(Math.max(2, Math.min(4, availableParallelism())));
  const child = spawn('/usr/sbin/spamd', [
    '--local', '--nouser-config', '--listen', `127.0.0.1:${port}`, '--max-children', children,
    '--syslog', 'stderr', ...(isRoot() ? ['--username', 'nobody'] : []),
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  started.push(child);
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const spamc = ['-d', '127.0.0.1', '-p', String(port)];
  try {
    await waitFor(async () => spawnSync('/usr/bin/spamc', [...spamc, '-K']).status === 0, 'spamd', child, 120_000);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${log}`);
  }
  return { name: 'SpamAssassin', score: (raw) => score([...spamc, '-R', '-x'], '/usr/bin/spamc', raw) };
}

const RSPAMD = 'http://127.0.0.1:11333';
type RspamdReply = { symbols?: Record<string, { name: string; score: number }> };

async function rspamdUp(): Promise<boolean> {
  try {
    return (await fetch(`${RSPAMD}/ping`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/** Starts rspamd (remembered in `started`, to be stopped after) unless one already answers. */
async function ensureRspamd(started: ChildProcess[]): Promise<void> {
  if (await rspamdUp()) return;
  // Debian's rspamd drops privileges to its own user; as root it must be told to.
  const child = spawn('/usr/bin/rspamd', ['-f', ...(isRoot() ? ['-u', '_rspamd', '-g', '_rspamd'] : [])], { stdio: 'ignore' });
  started.push(child);
  await waitFor(rspamdUp, 'rspamd', child, 120_000);
}

/**
 * rspamd's normal worker on its default port, started here when installed and not running. Another
 * run on the machine may stop the daemon it started while this one scores: then start one, once.
 */
async function startRspamd(started: ChildProcess[]): Promise<Filter> {
  await ensureRspamd(started);
  const check = async (raw: string): Promise<RspamdReply> => {
    const response = await fetch(`${RSPAMD}/checkv2`, { method: 'POST', body: raw, signal: AbortSignal.timeout(60_000) });
    if (!response.ok) throw new Error(`rspamd answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as RspamdReply;
  };
  const score = async (raw: string): Promise<Verdict> => {
    const reply = await check(raw).catch(async (e: unknown) => {
      if (!(e instanceof TypeError)) throw e; // fetch's "connection refused"
      await ensureRspamd(started);
      return check(raw);
    });
    const hits = Object.values(reply.symbols ?? {}).map((h) => ({ rule: h.name, score: h.score }));
    return verdict(hits, RSPAMD_EXCLUDED);
  };
  return { name: 'rspamd', score };
}

/** Both filters where installed; `missing` names what is not, so the caller can say so and skip. */
export async function startSpamFilters(): Promise<Filters> {
  const missing: string[] = [];
  const started: ChildProcess[] = [];
  const filters: Filters = {
    missing,
    async stop() {
      await Promise.all(started.map(stopChild));
    },
  };
  const installed = installedFilters();
  const [sa, rs] = await Promise.allSettled([
    installed.spamassassin ? startSpamAssassin(started) : undefined,
    installed.rspamd || (await rspamdUp()) ? startRspamd(started) : undefined,
  ]);
  const failed = [sa, rs].find((r) => r.status === 'rejected');
  if (failed?.status === 'rejected') {
    await filters.stop();
    throw failed.reason;
  }
  filters.spamassassin = sa.status === 'fulfilled' ? sa.value : undefined;
  filters.rspamd = rs.status === 'fulfilled' ? rs.value : undefined;
  if (!filters.spamassassin) missing.push('SpamAssassin (/usr/bin/spamassassin; Debian: apt-get install spamassassin spamd spamc)');
  if (!filters.rspamd) missing.push('rspamd (/usr/bin/rspamd; Debian: apt-get install rspamd)');
  return filters;
}

export const points = (v: Verdict): string => `${v.total.toFixed(2)} ${v.counted.filter((h) => h.score !== 0).map((h) => `${h.rule}(${h.score})`).join(' ')}`.trim();
