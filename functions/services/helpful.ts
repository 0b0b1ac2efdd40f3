import { change, voteContribution, type Vote } from '../core/counters.js';
import { LINK_ID_BYTES, openLink, SECRET_BYTES, signLink } from '../core/link-tokens.js';
import { courseOutline } from '../core/message.js';
import type { Subscriber } from '../core/subscriber.js';
import { AppError } from '../errors.js';
import { counterSink } from './counting.js';
import type { ServiceDeps } from './deps.js';

/**
 * "Was today's step helpful?" (issue 13): two links in every lesson, Yes and
 * Not really. A link names the reader's record, its current secret (a reader
 * who signs out older links signs these out too), the lesson and the answer
 * it stands for. The GET shows a page with that answer chosen and a button
 * (mail scanners open links); the POST records the vote: one per reader and
 * lesson, a second replacing the first, the counters moving by the difference.
 */
export type Choice = Vote['choice'];
export const COMMENT_MAX = 500;

type LinkConfig = { config: Pick<ServiceDeps['config'], 'baseUrl' | 'keys'> };

export function helpfulUrls(deps: LinkConfig, sub: Pick<Subscriber, 'linkId' | 'linkSecret'>, day: number) {
  const url = (choice: Choice) => `${deps.config.baseUrl}/helpful?t=${helpfulToken(deps, sub, day, choice)}`;
  return { helpfulYesUrl: url('yes'), helpfulNoUrl: url('no') };
}

function helpfulToken(deps: LinkConfig, sub: Pick<Subscriber, 'linkId' | 'linkSecret'>, day: number, choice: Choice): string {
  if (!sub.linkId || !sub.linkSecret) throw new Error('a helpful link needs the record\'s link ids');
  const payload = Buffer.concat([Buffer.from(sub.linkId, 'base64url'), Buffer.from(sub.linkSecret, 'base64url'), Buffer.from([day, choice === 'yes' ? 1 : 0])]);
  return signLink(deps.config.keys, 'helpful', payload);
}

export type OpenVote = { sub: Subscriber; day: number; choice: Choice; subject?: string };

/** What a helpful link leads to (the GET page and the POST both start here); a stale or foreign link is a 4xx. */
export async function openVote(deps: ServiceDeps, token: unknown): Promise<OpenVote> {
  const opened = openLink(deps.config.keys, token, 'helpful');
  if (!opened.ok || opened.payload.length !== LINK_ID_BYTES + SECRET_BYTES + 2) throw new AppError('invalid-link', 'This link is not valid.');
  const { payload } = opened;
  const linkId = payload.subarray(0, LINK_ID_BYTES).toString('base64url');
  const secret = payload.subarray(LINK_ID_BYTES, LINK_ID_BYTES + SECRET_BYTES).toString('base64url');
  const day = payload[LINK_ID_BYTES + SECRET_BYTES] ?? 0;
  const choice: Choice = payload[LINK_ID_BYTES + SECRET_BYTES + 1] === 1 ? 'yes' : 'no';
  const lesson = courseOutline(deps.course).find((entry) => entry.day === day);
  const email = await deps.store.resolveLink(linkId);
  const sub = email ? await deps.store.get(email) : undefined;
  // A mapping left by a record since replaced (erased, then signed up again) leads nowhere.
  if (!sub || sub.linkId !== linkId || sub.linkSecret !== secret || sub.status === 'pending' || sub.status === 'suppressed') {
    throw new AppError('stale-link', 'This link is no longer valid. Please use the links in your latest lesson.');
  }
  // An earlier answer is not read: the page shows the link's own answer, and tells a forwarded link's holder nothing.
  return { sub, day, choice, subject: lesson?.subject };
}

/** Records the reader's answer (and comment), replacing an earlier one; returns the vote as stored. */
export async function castVote(deps: ServiceDeps, token: unknown, choice: Choice, comment?: string): Promise<Vote> {
  const { sub, day } = await openVote(deps, token);
  const votes = deps.votes;
  const linkId = sub.linkId;
  if (!votes || !linkId) throw new Error('this entry point keeps no votes');
  for (let tries = 0; tries < 5; tries++) {
    const previous = await votes.get(linkId, day);
    const vote: Vote = { linkId, day, choice, at: deps.clock.now().toISOString(), ...(comment ? { comment } : {}) };
    if (!(await votes.put(vote, previous))) continue;
    await counterSink(deps)(change(previous, vote, voteContribution));
    if (previous?.comment) await votes.dropComments(day, linkId);
    if (comment) await votes.pushComment({ day, choice, comment, at: vote.at, voter: linkId });
    return vote;
  }
  throw new AppError('conflict', 'Your answer kept changing; please try again.');
}
