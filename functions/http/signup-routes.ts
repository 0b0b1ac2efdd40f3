import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { createToken, verifyToken } from '../core/tokens.js';
import { AppError } from '../errors.js';
import { checkClientRate, signup } from '../services/signup.js';
import { readBody, wantsJson, type AppDeps } from './app.js';
import { messagePage, signupPage, type SignupForm } from './pages.js';
import { fieldErrors, signupSchema } from './validation.js';

const NEUTRAL = 'If this address can join, an email is on its way. Open it and tap the button to confirm.';
/** A person needs a few seconds to type an address; a script posting the form at once does not. */
export const MIN_SUBMIT_MS = 2_000;

export function signupRoutes(deps: AppDeps) {
  const app = new Hono();
  const formToken = () =>
    createToken(deps.config.keys, { purpose: 'form', email: '', nonce: String(deps.clock.now().getTime()) });
  const extras = () => ({ formToken: formToken(), turnstileSiteKey: deps.humanCheck?.siteKey });

  app.get('/', (c) => c.html(signupPage({}, {}, extras())));

  app.post('/subscribe', async (c) => {
    const body = await readBody(c);
    const parsed = signupSchema.safeParse(body);
    if (!parsed.success) return invalid(c, body, fieldErrors(parsed.error));
    const input = parsed.data;
    const clientIp = deps.clientIp?.(c) ?? 'unknown';
    await checkClientRate(deps, clientIp);
    if (deps.humanCheck && !(await deps.humanCheck.verify(input['cf-turnstile-response'] ?? '', clientIp))) {
      return invalid(c, body, { human: 'Please complete the check that you are a person, then try again.' });
    }
    // Too fast for a person (autofill and a quick tap can be): ask again rather than drop it silently.
    if (submittedTooFast(input.form_token)) {
      return invalid(c, body, { form: 'That was quick! Please check your details and press Start the course again.' });
    }
    // A filled honeypot is a bot: answer exactly as for a person, do nothing.
    if (!input.website) {
      const outcome = await signup(deps, {
        email: input.email,
        firstName: input.first_name,
        timezone: input.timezone,
        sendHour: input.send_hour,
        consent: {
          at: deps.clock.now().toISOString(),
          ip: clientIp,
          userAgent: (c.req.header('user-agent') ?? '').slice(0, 256),
          formVersion: input.form_version || (wantsJson(c) ? 'json-1' : '1'),
        },
      });
      deps.log?.('signup', { outcome });
    }
    if (wantsJson(c)) return c.json({ ok: true, message: `Check your inbox. ${NEUTRAL}` });
    return c.html(
      messagePage('Check your inbox', NEUTRAL, html`<p class="hint">Nothing after a few minutes? Look in your spam folder, or <a href="/">go back and check the address</a>.</p>`),
    );
  });

  function submittedTooFast(token: string | undefined): boolean {
    // Embedded forms and JSON clients carry no form token; the other limits still apply to them.
    if (!token) return false;
    const result = verifyToken(deps.config.keys, token, 'form', deps.clock.now());
    if (!result.ok) return true;
    return deps.clock.now().getTime() - Number(result.claims.nonce) < MIN_SUBMIT_MS;
  }

  function invalid(c: Context, body: Record<string, unknown>, fields: Record<string, string>) {
    if (wantsJson(c)) throw new AppError('invalid-input', 'Some fields are not valid.', fields);
    return c.html(signupPage(formValues(body), fields, extras()), 400);
  }
  return app;
}

/** Echo back only what the person typed (strings), for the re-rendered form. */
function formValues(body: Record<string, unknown>): SignupForm {
  const pick = (key: string) => (typeof body[key] === 'string' ? (body[key] as string).slice(0, 300) : undefined);
  return { email: pick('email'), first_name: pick('first_name'), send_hour: pick('send_hour'), timezone: pick('timezone') };
}
