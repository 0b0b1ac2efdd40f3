import { Hono, type Context } from 'hono';
import { html, raw } from 'hono/html';
import * as z from 'zod';
import { AppError } from '../errors.js';
import { castVote, COMMENT_MAX, openVote, type Choice, type OpenVote } from '../services/helpful.js';
import type { AppDeps } from './app-deps.js';
import { messagePage, page } from './pages.js';
import { readBody, tokenOf, wantsJson } from './request.js';

/** A comment is the reader's own words: any text up to 500 characters, no control characters but line breaks. */
const voteSchema = z.object({
  choice: z.enum(['yes', 'no'], { error: 'Choose Yes or Not really.' }),
  comment: z
    .string()
    .max(COMMENT_MAX * 2)
    .optional()
    .transform((text) => (text ?? '').replace(/\r\n?/g, '\n').trim().normalize('NFC'))
    .refine((text) => [...text].length <= COMMENT_MAX, `Keep your comment to ${COMMENT_MAX} characters.`)
    .refine((text) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text), 'Please leave out special characters.')
    .transform((text) => text || undefined),
});

function votePage(opened: OpenVote, token: string, choice: Choice, typed = '', error?: string) {
  const lesson = opened.subject ? `Day ${opened.day}: ${opened.subject}` : `Day ${opened.day}`;
  const option = (value: Choice, label: string) =>
    html`<label class="choice"><input type="radio" name="choice" value="${value}"${choice === value ? raw(' checked') : ''}> ${label}</label>`;
  // Whether and how the reader answered before is not shown: a forwarded lesson's link must tell its holder nothing.
  const before = html`<p class="hint">One answer a lesson: sending again replaces an earlier one.</p>`;
  return page(
    error ? 'Error: check your answer' : 'Was today’s step helpful?',
    html`<h1>Was today’s step helpful?</h1>
<form class="card" method="post" action="/helpful"><p>${lesson}</p>${before}
${error ? html`<p class="error" role="alert" id="comment-error">${error}</p>` : ''}
<input type="hidden" name="t" value="${token}">
<fieldset><legend>Your answer</legend>${option('yes', 'Yes')}${option('no', 'Not really')}</fieldset>
<label for="comment">Anything to add? <span class="hint">(optional)</span></label>
<textarea id="comment" name="comment" maxlength="${COMMENT_MAX}" aria-describedby="${error ? 'comment-error ' : ''}comment-hint">${typed}</textarea>
<p class="hint" id="comment-hint">Up to ${COMMENT_MAX} characters. The author reads your words, never your address with them.</p>
<button type="submit">Send my answer</button></form>`,
  );
}

/**
 * "Was today's step helpful?": the lesson's link shows this page with its
 * answer chosen (a mail scanner's GET records nothing); the button records it.
 */
export function helpfulRoutes(deps: AppDeps) {
  const app = new Hono();

  app.get('/helpful', async (c) => {
    const token = tokenOf(c) ?? '';
    const opened = await openVote(deps, token);
    return c.html(votePage(opened, token, opened.choice));
  });

  app.post('/helpful', async (c: Context) => {
    const body = await readBody(c);
    const token = tokenOf(c, body) ?? '';
    const parsed = voteSchema.safeParse(body);
    if (!parsed.success) {
      const problem = parsed.error.issues[0]?.message ?? 'Please check your answer.';
      if (wantsJson(c)) throw new AppError('invalid-input', problem);
      const opened = await openVote(deps, token);
      const typed = typeof body.comment === 'string' ? body.comment.slice(0, COMMENT_MAX * 2) : '';
      return c.html(votePage(opened, token, body.choice === 'yes' ? 'yes' : 'no', typed, problem), 400);
    }
    const vote = await castVote(deps, token, parsed.data.choice, parsed.data.comment);
    if (wantsJson(c)) return c.json({ ok: true, day: vote.day, choice: vote.choice });
    return c.html(messagePage('Thank you', 'Your answer is in. It helps the author make each day’s step more useful. Go gently today.'));
  });
  return app;
}
