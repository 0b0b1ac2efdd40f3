import type { Context, MiddlewareHandler } from 'hono';
import type { HumanCheck } from '../adapters/turnstile.js';
import type { HealthStore, SessionStore } from '../ports.js';
import type { ServiceDeps } from '../services/deps.js';

/** What createApp and every route file receive (its own module: route files never import app.ts). */
export type AppDeps = ServiceDeps & {
  /** How the entry point learns the client's address (Lambda event, Node socket). */
  clientIp?: (c: Context) => string | undefined;
  /** Origins whose pages may post the JSON signup (the embeddable form). */
  allowedOrigins?: string[];
  /** Optional Turnstile check on the sign-up form. */
  humanCheck?: HumanCheck;
  /** Before every route: behind CloudFront, refuses what did not come through it (http/viewer-address.ts). */
  originGuard?: MiddlewareHandler;
  /** The author's console (http/admin-routes.ts): its sessions, and the breaker it shows and resumes. */
  sessions?: SessionStore;
  health?: HealthStore;
};
