import { Hono } from 'hono';
import { AppError } from '../errors.js';
import { checkClientRate, signup } from '../services/signup.js';
import { readBody, wantsJson, type AppDeps } from './app.js';
import { messagePage, signupPage, type SignupForm } from './pages.js';
import { fieldErrors, signupSchema } from './validation.js';

const NEUTRAL = 'Check your inbox: if this address can join, an email is on its way. Open it and tap the button to confirm.';

export function signupRoutes(deps: AppDeps) {
  const app = new Hono();
  app.get('/', (c) => c.html(signupPage()));

  app.post('/subscribe', async (c) => {
    const body = await readBody(c);
    const parsed = signupSchema.safeParse(body);
    if (!parsed.success) {
      const fields = fieldErrors(parsed.error);
      if (wantsJson(c)) throw new AppError('invalid-input', 'Some fields are not valid.', fields);
      return c.html(signupPage(formValues(body), fields), 400);
    }
    const input = parsed.data;
    const clientIp = deps.clientIp?.(c) ?? 'unknown';
    await checkClientRate(deps, clientIp);
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
    if (wantsJson(c)) return c.json({ ok: true, message: NEUTRAL });
    return c.html(messagePage('Check your inbox', NEUTRAL));
  });
  return app;
}

/** Echo back only what the person typed (strings), for the re-rendered form. */
function formValues(body: Record<string, unknown>): SignupForm {
  const pick = (key: string) => (typeof body[key] === 'string' ? (body[key] as string).slice(0, 300) : undefined);
  return { email: pick('email'), first_name: pick('first_name'), send_hour: pick('send_hour'), timezone: pick('timezone') };
}
