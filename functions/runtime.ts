import { lazyDynamoClient, lazySesClient, lazySqsClient } from './adapters/aws-sdk.js';
import { createSqsQueue } from './adapters/outboxes.js';
import { createDynamoCounterStore } from './adapters/counter-stores.js';
import { createDynamoStore } from './adapters/dynamo-store.js';
import { createDynamoSessionStore } from './adapters/session-stores.js';
import { createDynamoVoteStore } from './adapters/vote-stores.js';
import { createDynamoHealthStore } from './adapters/health-stores.js';
import { createDynamoRateLimiter } from './adapters/rate-limiters.js';
import { createSesMailer, type SesMailerOptions } from './adapters/ses-mailer.js';
import { createTurnstile, type HumanCheck } from './adapters/turnstile.js';
import { loadConfig } from './config.js';
import type { CompiledCourse } from './core/message.js';
import type { Clock, HealthStore, SessionStore } from './ports.js';
import type { ServiceDeps } from './services/deps.js';

/**
 * The shared part of every composition root: config read once, SDK clients
 * built once, on first use (endpoints come from AWS_ENDPOINT_URL_* locally),
 * adapters wired. `course` is the compiled emails: the whole course, or only
 * the notices where no lesson is sent (the API).
 */
export function createRuntime(
  env: Record<string, string | undefined>,
  clock: Clock,
  course: CompiledCourse,
  options: { mailer?: SesMailerOptions } = {},
): ServiceDeps & { allowedOrigins: string[]; humanCheck?: HumanCheck; health: HealthStore; sessions: SessionStore } {
  const config = loadConfig(env);
  // One client of each, shared by the adapters; built when a request first needs it.
  const dynamo = lazyDynamoClient();
  const ses = lazySesClient();
  return {
    store: createDynamoStore(dynamo, config.tableName),
    counters: createDynamoCounterStore(dynamo, config.tableName),
    votes: createDynamoVoteStore(dynamo, config.tableName),
    // The author's console sessions (only the API reads them).
    sessions: createDynamoSessionStore(dynamo, config.tableName),
    limiter: createDynamoRateLimiter(dynamo, config.tableName),
    mailer: createSesMailer(ses, options.mailer),
    // The drip's circuit breaker; adapters are cheap and the client is only built when used.
    health: createDynamoHealthStore(dynamo, config.tableName),
    clock,
    course,
    config,
    // Where the form's notices go on AWS (infra/notices.ts); the local stack brings its own outbox.
    notices: env.NOTICE_QUEUE_URL ? createSqsQueue(lazySqsClient(), env.NOTICE_QUEUE_URL) : undefined,
    allowedOrigins: config.allowedOrigins,
    humanCheck: config.turnstile && createTurnstile(config.turnstile.siteKey, config.turnstile.secret),
    log: jsonLog,
  };
}

export const systemClock: Clock = { now: () => new Date() };

/** One JSON line per event: CloudWatch and a terminal both read it. */
export function jsonLog(event: string, fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ event, ...fields }));
}
