import * as z from 'zod';
import { parseKeyring, type TokenKeyring } from './core/tokens.js';

/** Everything an entry point needs from its environment, read once and validated. */
export type AppConfig = {
  tableName: string;
  baseUrl: string;
  mailFrom: string;
  unsubscribeMailto: string;
  keys: TokenKeyring;
  /** Keys limiter and suppression items (HMACs of addresses). Unlike token keys it never rotates. */
  hashKey: Buffer;
  /** Sites allowed to post the JSON signup from the browser (CORS); empty: none. */
  allowedOrigins: string[];
  /** Cloudflare Turnstile on the form, when both are configured. */
  turnstile?: { siteKey: string; secret: string };
};

const schema = z.object({
  TABLE_NAME: z.string().min(1),
  BASE_URL: z.url().transform((url) => url.replace(/\/+$/, '')),
  MAIL_FROM: z.string().min(3).regex(/^[^\r\n]+$/),
  UNSUBSCRIBE_MAILTO: z.string().regex(/^mailto:[^\s<>]+$/),
  TOKEN_KEYS: z.string().min(1),
  HASH_KEY: z
    .string()
    .transform((value) => Buffer.from(value, 'base64'))
    .refine((key) => key.length === 32, 'must be 32 bytes of base64 (openssl rand -base64 32)'),
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((list) => (list ?? '').split(',').map((origin) => origin.trim()).filter(Boolean))
    .pipe(z.array(z.url().regex(/^https?:\/\/[^/]+$/, 'an origin is scheme://host[:port], no path'))),
  TURNSTILE_SITE_KEY: z.string().optional(),
  TURNSTILE_SECRET: z.string().optional(),
});

/** Validates an entry point's environment; a bad or missing value fails at start, naming the key. */
export function parseEnv<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>, what = 'configuration'): z.output<T> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`invalid ${what} (${problems.join('; ')})`);
}

export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const { TABLE_NAME, BASE_URL, MAIL_FROM, UNSUBSCRIBE_MAILTO, TOKEN_KEYS, HASH_KEY, ALLOWED_ORIGINS, ...rest } = parseEnv(schema, env);
  const { TURNSTILE_SITE_KEY: siteKey, TURNSTILE_SECRET: secret } = rest;
  if (Boolean(siteKey) !== Boolean(secret)) {
    throw new Error('invalid configuration (TURNSTILE_SITE_KEY and TURNSTILE_SECRET go together: set both or neither)');
  }
  return {
    tableName: TABLE_NAME,
    baseUrl: BASE_URL,
    mailFrom: MAIL_FROM,
    unsubscribeMailto: UNSUBSCRIBE_MAILTO,
    keys: parseKeyring(TOKEN_KEYS),
    hashKey: HASH_KEY,
    allowedOrigins: ALLOWED_ORIGINS,
    turnstile: siteKey && secret ? { siteKey, secret } : undefined,
  };
}
