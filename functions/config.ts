import * as z from 'zod';
import { canonicalZone, isValidTimeZone } from './core/schedule.js';
import { parseKeyring, type TokenKeyring } from './core/tokens.js';

/** Everything an entry point needs from its environment, read once and validated. */
export type AppConfig = {
  tableName: string;
  baseUrl: string;
  mailFrom: string;
  /** Reply-To of every email: a mailbox the author reads (the sending domain receives nothing). */
  replyTo: string;
  /** The sign-off of the emails; by default the display name of MAIL_FROM. */
  authorName: string;
  /** The author's page of local support, shown first on /safety when set. */
  safetyResourcesUrl?: string;
  unsubscribeMailto: string;
  keys: TokenKeyring;
  /** Keys limiter and suppression items (HMACs of addresses). Unlike token keys it never rotates. */
  hashKey: Buffer;
  /** Sites allowed to post the JSON signup from the browser (CORS); empty: none. */
  allowedOrigins: string[];
  /** Cloudflare Turnstile on the form, when both are configured. */
  turnstile?: { siteKey: string; secret: string };
  /**
   * The author's console and mail (issue 13): AUTHOR_EMAIL gets the sign-in
   * links, the weekly digest (Mondays at DIGEST_HOUR in AUTHOR_TIMEZONE; none
   * with DIGEST_HOUR=off) and the alerts. Unset: no console, no author mail.
   */
  author?: { email: string; timezone: string; digestHour?: number };
};

const blankIsUnset = (value: unknown) => (value === '' ? undefined : value);

const schema = z.object({
  TABLE_NAME: z.string().min(1),
  BASE_URL: z.url().transform((url) => url.replace(/\/+$/, '')),
  MAIL_FROM: z.string().min(3).regex(/^[^\r\n]+$/),
  REPLY_TO: z.string().regex(/^(?:[^\r\n<>]*<[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)$/,
    'a mailbox you read: "Your Name <you@example.com>" or you@example.com'),
  // Optional settings: unset or empty both mean "not set" (SST passes an empty string for an unset one).
  AUTHOR_NAME: z.preprocess(blankIsUnset, z.string().trim().min(1).max(60).regex(/^[^\r\n<>]+$/).optional()),
  SAFETY_RESOURCES_URL: z.preprocess(blankIsUnset, z.url({ protocol: /^https$/, error: 'an https URL' }).optional()),
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
  AUTHOR_EMAIL: z.preprocess(blankIsUnset, z.email('an address you read, such as you@example.com').max(254).optional()),
  AUTHOR_TIMEZONE: z.preprocess(blankIsUnset, z.string().refine(isValidTimeZone, 'an IANA time zone such as Europe/London').transform(canonicalZone).optional()),
  DIGEST_HOUR: z.preprocess(
    blankIsUnset,
    z.union([z.literal('off'), z.coerce.number().int().min(0).max(23)], { error: 'an hour from 0 to 23, or off' }).optional(),
  ),
});

/** Validates an entry point's environment; a bad or missing value fails at start, naming the key. */
export function parseEnv<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>, what = 'configuration'): z.output<T> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`invalid ${what} (${problems.join('; ')})`);
}

export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const { TABLE_NAME, BASE_URL, MAIL_FROM, REPLY_TO, AUTHOR_NAME, SAFETY_RESOURCES_URL, UNSUBSCRIBE_MAILTO, TOKEN_KEYS, HASH_KEY, ALLOWED_ORIGINS, ...rest } =
    parseEnv(schema, env);
  const { TURNSTILE_SITE_KEY: siteKey, TURNSTILE_SECRET: secret, AUTHOR_EMAIL, AUTHOR_TIMEZONE, DIGEST_HOUR } = rest;
  if (Boolean(siteKey) !== Boolean(secret)) {
    throw new Error('invalid configuration (TURNSTILE_SITE_KEY and TURNSTILE_SECRET go together: set both or neither)');
  }
  return {
    tableName: TABLE_NAME,
    baseUrl: BASE_URL,
    mailFrom: MAIL_FROM,
    replyTo: REPLY_TO.trim(),
    authorName: AUTHOR_NAME ?? displayName(MAIL_FROM),
    safetyResourcesUrl: SAFETY_RESOURCES_URL,
    unsubscribeMailto: UNSUBSCRIBE_MAILTO,
    keys: parseKeyring(TOKEN_KEYS),
    hashKey: HASH_KEY,
    allowedOrigins: ALLOWED_ORIGINS,
    turnstile: siteKey && secret ? { siteKey, secret } : undefined,
    author: AUTHOR_EMAIL
      ? { email: AUTHOR_EMAIL.toLowerCase(), timezone: AUTHOR_TIMEZONE ?? 'UTC', digestHour: DIGEST_HOUR === 'off' ? undefined : (DIGEST_HOUR ?? 8) }
      : undefined,
  };
}

/** `Let Go` from `Let Go <course@mail.example.com>`; a bare address signs as the course. */
export function displayName(mailbox: string): string {
  return mailbox.match(/^\s*"?([^"<]*?)"?\s*</)?.[1]?.trim() || 'Let Go';
}
