/**
 * Optional Cloudflare Turnstile, verified server-side. Enabled only when the
 * author configures TURNSTILE_SITE_KEY and TURNSTILE_SECRET.
 */
export type HumanCheck = { siteKey: string; verify(response: string, clientIp: string): Promise<boolean> };

const VERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';

export function createTurnstile(siteKey: string, secret: string, fetcher: typeof fetch = fetch): HumanCheck {
  return {
    siteKey,
    async verify(response, clientIp) {
      if (!response || response.length > 2048) return false;
      const body = new URLSearchParams({ secret, response, remoteip: clientIp });
      try {
        const result = await fetcher(VERIFY_URL, { method: 'POST', body, signal: AbortSignal.timeout(5000) });
        const json = (await result.json()) as { success?: unknown };
        return json.success === true;
      } catch {
        // Turnstile unreachable: fail closed, the reader can simply retry.
        return false;
      }
    },
  };
}
