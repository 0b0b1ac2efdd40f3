import { Hono } from 'hono';
import { html } from 'hono/html';
import type { ServiceDeps } from '../services/deps.js';
import { page } from './pages.js';

/** An international directory of free helplines, by country and topic (crisis, abuse, and more). */
export const FIND_A_HELPLINE = 'https://findahelpline.com';

/**
 * Where to turn when no contact is not safe or not enough. Every email and the
 * sign-up form link here. Kept short and plain: a reader may open it in a bad
 * moment, on a phone, perhaps on a device someone else can see.
 */
export function safetyPage(localResourcesUrl?: string) {
  return page(
    'Safety',
    html`<h1>Your safety comes first</h1>
<div class="card">
${localResourcesUrl ? html`<p><strong>Help near you:</strong> <a href="${localResourcesUrl}" rel="noreferrer">local support services</a>, chosen by the author of this course.</p>` : ''}
<p>Let Go is an email course, not an emergency or crisis service, and nobody reads replies around the clock.</p>
<h2>If you are in danger now</h2>
<p>Call your local emergency number: for example 112 in Europe, 911 in North America, 999 in the UK, 000 in Australia.</p>
<h2>To talk to someone today</h2>
<p><a href="${FIND_A_HELPLINE}" rel="noreferrer">Find A Helpline</a> lists free, confidential helplines in your country, by phone, text or chat: for suicidal thoughts and crisis, for abuse and domestic violence, and more.</p>
<h2>If contact with them is not safe</h2>
<p>If someone is hurting, threatening, following or controlling you, stepping away is not a test of willpower, and you do not have to manage it alone. Your national domestic-violence helpline, listed on Find A Helpline, can talk it through in confidence, even if you are not sure it counts as abuse.</p>
<h2>A safety plan</h2>
<p>A safety plan is a short list made ahead of time, ideally with a helpline or someone you trust: who you would call, where you could go, and what you would take (phone, keys, money, documents). If they might see your phone or email, read this on a device they cannot reach.</p>
</div>
<p class="gap"><a href="/">Back to Let Go</a></p>`,
  );
}

/** GET /safety (HEAD too): the same page for everyone, no token, nothing stored. */
export function safetyRoutes(deps: Pick<ServiceDeps, 'config'>) {
  const app = new Hono();
  app.get('/safety', (c) => c.html(safetyPage(deps.config.safetyResourcesUrl)));
  return app;
}
