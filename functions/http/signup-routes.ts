import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { AppError } from '../errors.js';
import { acceptSignup, checkClientRate, checkFormToken, formToken, type FormTokenCheck } from '../services/signup.js';
import type { AppDeps } from './app-deps.js';
import { messagePage, signupPage, type SignupForm } from './pages.js';
import { readBody, sentJson, wantsJson } from './request.js';
import { fieldErrors, signupSchema } from './validation.js';

const NEUTRAL = 'If this address can join, an email is on its way. Open it and tap the button to confirm.';

const FORM_PROBLEMS: Record<Exclude<FormTokenCheck, 'ok'>, string> = {
  'too-fast': 'That was quick! Please check your details and press Start the course again.',
  expired: 'This form was open for a while. Please check your details and press Start the course again.',
  invalid: 'Please check your details and press Start the course again.',
};

/**
 * The sign-up form. Every valid post does the same work, whatever the
 * address: network limits, the form checks, one enqueue (services/signup.ts).
 */
export function signupRoutes(deps: AppDeps) {
  const app = new Hono();
  const extras = () => ({ formToken: formToken(deps), turnstileSiteKey: deps.humanCheck?.siteKey, totalDays: deps.course.totalDays });
  const origins = new Set(deps.allowedOrigins ?? []);

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
    // Our own form carries a token: single use, within the hour, not faster than a person.
    // Without one, only a JSON body (a browser must pass CORS for that; an Accept header or a
    // content type's parameter it sends freely) or an embedding site the author listed may post:
    // a stranger's page cannot fire the form from its visitors.
    if (input.form_token) {
      const check = await checkFormToken(deps, input.form_token);
      if (check !== 'ok') return invalid(c, body, { form: FORM_PROBLEMS[check] });
    } else if (!sentJson(c) && !origins.has(c.req.header('origin') ?? '')) {
      return invalid(c, body, { form: FORM_PROBLEMS.invalid });
    }
    // A filled honeypot is a bot: answer exactly as for a person, do nothing.
    if (!input.website) {
      await acceptSignup(deps, {
        email: input.email,
        firstName: input.first_name,
        timezone: input.timezone,
        sendHour: input.send_hour,
        consent: {
          at: deps.clock.now().toISOString(),
          ip: clientIp,
          userAgent: (c.req.header('user-agent') ?? '').slice(0, 256),
          formVersion: input.form_version || (sentJson(c) ? 'json-1' : '1'),
        },
      });
    }
    if (wantsJson(c)) return c.json({ ok: true, message: `Check your inbox. ${NEUTRAL}` });
    return c.html(
      messagePage('Check your inbox', NEUTRAL, html`<p class="hint">Nothing after a few minutes? Look in your spam folder, or <a href="/">go back and check the address</a>.</p>`),
    );
  });

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
