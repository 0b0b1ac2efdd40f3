/**
 * Deploy-time settings: what differs between one author's deployment and
 * another's, none of it secret. SST loads `.env` and `.env.<stage>` next to
 * sst.config.ts, so `MAIL_FROM=... ` in `.env.prod` (or the shell) is enough.
 * Secrets (token keys, admin token) are SST Secrets, never settings.
 * Pure: no SST globals, so the tests and the runtime-free type-check can use it.
 */
export type Settings = {
  stage: string;
  /** `prod` keeps data: table retained, deletion protection, `sst remove` refused. */
  production: boolean;
  /** The From header, e.g. `Let Go <course@mail.example.com>`; its domain becomes the SES identity. */
  mailFrom: string;
  senderDomain: string;
  /** Reply-To of every email, a mailbox you read: readers reply, and the sending domain receives nothing. */
  replyTo: string;
  /** The sign-off of the emails (default: the display name of MAIL_FROM). */
  authorName?: string;
  /** The author's console and mail: sign-in links, the weekly digest, alerts go here. Unset: no console. */
  authorEmail?: string;
  /** Where the digest's Monday and hour are (default UTC). */
  authorTimezone: string;
  /** The digest's hour on Mondays, 0-23 (default 8), or `off`. */
  digestHour: string;
  /** A page of support services near you, listed first on /safety. */
  safetyResourcesUrl?: string;
  unsubscribeMailto: string;
  /** Comma-separated origins allowed to post the JSON sign-up (the embeddable form). */
  allowedOrigins: string;
  /** Optional custom domain for the form and every emailed link, served through CloudFront. */
  apiDomain?: string;
  /** ACM certificate (us-east-1) for apiDomain when DNS is not on Route 53. */
  apiCertArn?: string;
  /** `route53`: SST writes the DKIM, DMARC and MAIL FROM records; `manual`: you add them. */
  dns: 'route53' | 'manual';
  dmarc: string;
  /** Cloudflare Turnstile on the form (public key); its secret is the TurnstileSecret SST secret. */
  turnstileSiteKey?: string;
  /**
   * The most API requests in flight at once (Lambda reserved concurrency): a flood is refused
   * at that ceiling instead of starving the drip and the feedback function or running up the
   * bill. Undefined with API_RESERVED_CONCURRENCY=off (accounts whose whole quota is 10).
   */
  apiReservedConcurrency?: number;
  /** With apiDomain: AWS WAF blocks a client address past this many requests in 5 minutes. */
  apiWafRateLimit?: number;
};

/** 20 at once is about 100 requests a second at 0.2 s each: far above a course's traffic. */
export const DEFAULT_API_RESERVED_CONCURRENCY = 20;

export const PRODUCTION_STAGE = 'prod';

type Env = Record<string, string | undefined>;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** The address of `Name <local@domain>` or of a bare address, if it is one; its domain lower-cased. */
function mailboxAddress(value: string): { address: string; domain: string } | undefined {
  const address = value.match(/<([^<>\s]+@[^<>\s]+)>\s*$/)?.[1] ?? value.trim();
  const [local, domain = '', ...rest] = address.split('@');
  if (/[\r\n]/.test(value) || !local || /\s/.test(local) || rest.length > 0 || !DOMAIN.test(domain.toLowerCase())) return undefined;
  return { address, domain: domain.toLowerCase() };
}

export function readSettings(stage: string, env: Env): Settings {
  const production = stage === PRODUCTION_STAGE;
  const mailFrom = required(env, 'MAIL_FROM', 'Let Go <course@mail.example.com>');
  const sender = mailboxAddress(mailFrom);
  if (!sender) throw new SettingsError(`MAIL_FROM must be "Name <local@your.domain>", got "${mailFrom}"`);
  const senderDomain = sender.domain;
  // Required, no default: the sending subdomain usually receives no mail, and an unsubscribe
  // sent to a mailbox nobody reads would be lost (List-Unsubscribe's mailto must work).
  const unsubscribeMailto = required(env, 'UNSUBSCRIBE_MAILTO', 'mailto:you@example.com?subject=unsubscribe');
  if (!/^mailto:[^\s<>@]+@[^\s<>@]+$/.test(unsubscribeMailto.split('?')[0] ?? '')) {
    throw new SettingsError(`UNSUBSCRIBE_MAILTO must be "mailto:address", got "${unsubscribeMailto}"`);
  }
  // Readers reply, sometimes in a bad moment: in production a person must get those replies. A dev
  // stage may leave it out and replies go to the unsubscribe mailbox, which the author reads too.
  const replyTo = production
    ? required(env, 'REPLY_TO', 'Your Name <you@example.com>').trim()
    : env.REPLY_TO?.trim() || (unsubscribeMailto.slice('mailto:'.length).split('?')[0] ?? '');
  const replyAddress = mailboxAddress(replyTo);
  if (!replyAddress || /[<>]/.test(replyTo.replace(/<[^<>]*>\s*$/, ''))) {
    throw new SettingsError(`REPLY_TO must be "Your Name <you@your.domain>" or an address, got "${replyTo}"`);
  }
  if (replyAddress.address.toLowerCase() === sender.address.toLowerCase()) {
    throw new SettingsError(`REPLY_TO must be a mailbox you read, not the sending address ${sender.address} (it receives nothing)`);
  }
  const authorName = env.AUTHOR_NAME?.trim() || undefined;
  if (authorName && (authorName.length > 60 || /[\r\n<>]/.test(authorName))) {
    throw new SettingsError(`AUTHOR_NAME must be a name of at most 60 characters, got "${authorName}"`);
  }
  const authorEmail = env.AUTHOR_EMAIL?.trim().toLowerCase() || undefined;
  if (authorEmail && !mailboxAddress(authorEmail)?.address.includes('@')) throw new SettingsError(`AUTHOR_EMAIL must be an address you read, got "${authorEmail}"`);
  if (authorEmail && /[<>\s]/.test(authorEmail)) throw new SettingsError(`AUTHOR_EMAIL must be a bare address such as you@example.com, got "${authorEmail}"`);
  const authorTimezone = env.AUTHOR_TIMEZONE?.trim() || 'UTC';
  if (!isZone(authorTimezone)) throw new SettingsError(`AUTHOR_TIMEZONE must be an IANA time zone such as Europe/London, got "${authorTimezone}"`);
  const digestHour = env.DIGEST_HOUR?.trim() || '8';
  if (digestHour !== 'off' && !/^(?:[01]?\d|2[0-3])$/.test(digestHour)) throw new SettingsError(`DIGEST_HOUR must be an hour from 0 to 23, or off, got "${digestHour}"`);
  const safetyResourcesUrl = env.SAFETY_RESOURCES_URL?.trim() || undefined;
  if (safetyResourcesUrl && !/^https:\/\/[^\s/]+\.[^\s/]+(\/\S*)?$/.test(safetyResourcesUrl)) {
    throw new SettingsError(`SAFETY_RESOURCES_URL must be an https:// address, got "${safetyResourcesUrl}"`);
  }
  const dns = env.DNS ?? 'route53';
  if (dns !== 'route53' && dns !== 'manual') throw new SettingsError(`DNS must be "route53" or "manual", got "${dns}"`);
  const apiDomain = env.API_DOMAIN?.trim().toLowerCase() || undefined;
  if (apiDomain && !DOMAIN.test(apiDomain)) throw new SettingsError(`API_DOMAIN must be a host name, got "${apiDomain}"`);
  // Outside Route 53 nobody can validate a certificate for us: the author brings one.
  if (apiDomain && dns === 'manual' && !env.API_CERT_ARN) {
    throw new SettingsError('API_CERT_ARN is required with API_DOMAIN when DNS=manual (an ACM certificate in us-east-1)');
  }
  const apiReservedConcurrency = reservedConcurrency(env.API_RESERVED_CONCURRENCY);
  const apiWafRateLimit = wafRateLimit(env.API_WAF_RATE_LIMIT);
  // The WAF sits on the CloudFront distribution, which exists only with a custom domain.
  if (apiWafRateLimit && !apiDomain) throw new SettingsError('API_WAF_RATE_LIMIT needs API_DOMAIN: the WAF protects the CloudFront distribution');
  return {
    stage,
    production,
    mailFrom: mailFrom.trim(),
    senderDomain,
    replyTo,
    authorName,
    authorEmail,
    authorTimezone,
    digestHour,
    safetyResourcesUrl,
    unsubscribeMailto,
    allowedOrigins: env.ALLOWED_ORIGINS ?? '',
    apiDomain,
    apiCertArn: env.API_CERT_ARN || undefined,
    dns,
    // p=none only monitors: safe on a domain that also carries other mail. Add rua=mailto:... for
    // reports and move to p=quarantine with DMARC=... once they look clean. SES signs DKIM with
    // exactly this domain, so strict DKIM alignment (adkim=s) holds.
    dmarc: env.DMARC || 'v=DMARC1; p=none; adkim=s;',
    turnstileSiteKey: env.TURNSTILE_SITE_KEY || undefined,
    apiReservedConcurrency,
    apiWafRateLimit,
  };
}

function reservedConcurrency(value: string | undefined): number | undefined {
  const text = value?.trim() || String(DEFAULT_API_RESERVED_CONCURRENCY);
  if (text === 'off') return undefined;
  const n = Number(text);
  // AWS keeps at least 100 of an account's concurrency unreserved: a 1,000 quota leaves 900 to reserve.
  if (!Number.isInteger(n) || n < 1 || n > 900) {
    throw new SettingsError(`API_RESERVED_CONCURRENCY must be a whole number from 1 to 900, or "off", got "${value}"`);
  }
  return n;
}

function wafRateLimit(value: string | undefined): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const n = Number(text);
  // AWS WAF's rate-based rules count over 5 minutes and take limits from 10 to 2 billion.
  if (!Number.isInteger(n) || n < 10 || n > 2_000_000_000) {
    throw new SettingsError(`API_WAF_RATE_LIMIT must be requests per 5 minutes per address, from 10 to 2000000000, got "${value}"`);
  }
  return n;
}

function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function required(env: Env, key: string, example: string): string {
  const value = env[key];
  if (value?.trim()) return value;
  throw new SettingsError(`${key} is not set: add ${key}="${example}" to .env.<stage> or the shell before sst deploy`);
}
