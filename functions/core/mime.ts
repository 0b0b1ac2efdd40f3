import { encode as qpEncode, wrap as qpWrap } from 'libqp';
import { createMimeMessage } from 'mimetext';
import { escapeHtml, type CompiledEmail, type Placeholders } from './message.js';

/**
 * The per-recipient part of sending. Each compiled email is laid out as MIME
 * once per process, by mimetext, with quoted-printable bodies in which every
 * placeholder sits alone between soft line breaks; a reader's message is then
 * that skeleton with the reader's values spliced in, encoded the same way.
 * Decoded, the parts are exactly the filled template.
 */
export type Recipient = {
  from: string;
  to: string;
  date: Date;
  unsubscribeMailto: string;
  values: Placeholders;
};

type Slot = { name: string; kind: 'html' | 'text' | 'header' };
type Skeleton = { statics: string[]; slots: Slot[] };

const MARK = '\u0001';
const HEADER_SLOTS = ['to', 'date', 'messageId', 'unsubscribeUrl'] as const;
const cache = new WeakMap<CompiledEmail, Map<string, Skeleton>>();

function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/**
 * A value as it must appear inside a quoted-printable body (the skeleton
 * soft-breaks around it). Links are plain ASCII: only `=` needs escaping and
 * long ones a soft break every 75 characters, which is cheaper than a general
 * encoder on the hot path; anything else goes through libqp.
 */
function qpValue(value: string): string {
  if (!/^[\x21-\x7e]*$/.test(value)) return qpWrap(qpEncode(crlf(value)), 76);
  const escaped = value.replaceAll('=', '=3D');
  if (escaped.length <= 76) return escaped;
  const lines: string[] = [];
  for (let at = 0; at < escaped.length; ) {
    let end = Math.min(at + 75, escaped.length);
    // Never split an =XX escape across lines.
    const lastEscape = escaped.lastIndexOf('=', end - 1);
    if (end < escaped.length && lastEscape > end - 3 && lastEscape >= at) end = lastEscape;
    lines.push(escaped.slice(at, end));
    at = end;
  }
  return lines.join('=\r\n');
}

/** The body in quoted-printable, each `{{name}}` replaced by a marker on its own soft-broken line. */
function qpBody(template: string, kind: 'html' | 'text'): string {
  return template
    .split(/(\{\{\w+\}\})/)
    .map((piece) => {
      const name = /^\{\{(\w+)\}\}$/.exec(piece)?.[1];
      return name ? `=\r\n${MARK}${kind}:${name}${MARK}=\r\n` : qpWrap(qpEncode(crlf(piece)), 76);
    })
    .join('');
}

function assertHeaderSafe(name: string, value: string): string {
  // Header injection guard: the edge already rejects CR/LF, this is the last line.
  if (/[\r\n]/.test(value)) throw new Error(`refusing a line break in the ${name} header`);
  return value;
}

function prepare(template: CompiledEmail, from: string, unsubscribeMailto: string): Skeleton {
  if (template.subject.includes('{{')) throw new Error('subjects carry no placeholders');
  const header = (name: string) => `${MARK}header:${name}${MARK}`;
  const mime = createMimeMessage();
  mime.setSender(assertHeaderSafe('From', from));
  mime.setRecipient('recipient@skeleton.invalid');
  mime.setSubject(template.subject);
  mime.setHeader('Date', header('date'));
  mime.setHeader('Message-ID', header('messageId'));
  mime.setHeader('List-Unsubscribe', `<${header('unsubscribeUrl')}>, <${assertHeaderSafe('List-Unsubscribe', unsubscribeMailto)}>`);
  mime.setHeader('List-Unsubscribe-Post', 'List-Unsubscribe=One-Click');
  mime.addMessage({ contentType: 'text/plain', encoding: 'quoted-printable', data: qpBody(template.text, 'text') });
  mime.addMessage({ contentType: 'text/html', encoding: 'quoted-printable', data: qpBody(template.html, 'html') });
  // mimetext ends lines with the OS's EOL (LF here); RFC 5322 and SES want CRLF.
  const raw = crlf(mime.asRaw()).replace('<recipient@skeleton.invalid>', `<${header('to')}>`);
  const pieces = raw.split(new RegExp(`${MARK}([a-z]+):(\\w+)${MARK}`));
  const statics: string[] = [];
  const slots: Slot[] = [];
  for (let i = 0; i < pieces.length; i += 3) {
    statics.push(pieces[i] ?? '');
    if (i + 2 < pieces.length) slots.push({ kind: pieces[i + 1] as Slot['kind'], name: pieces[i + 2] ?? '' });
  }
  return { statics, slots };
}

function skeletonFor(template: CompiledEmail, from: string, unsubscribeMailto: string): Skeleton {
  let byConfig = cache.get(template);
  if (!byConfig) cache.set(template, (byConfig = new Map()));
  const key = `${from}\n${unsubscribeMailto}`;
  let skeleton = byConfig.get(key);
  if (!skeleton) byConfig.set(key, (skeleton = prepare(template, from, unsubscribeMailto)));
  return skeleton;
}

let sequence = 0;

/** The raw RFC 5322 message for one reader: multipart/alternative, one-click unsubscribe headers. */
export function composeMessage(template: CompiledEmail, recipient: Recipient): string {
  const { statics, slots } = skeletonFor(template, recipient.from, recipient.unsubscribeMailto);
  const headers: Record<(typeof HEADER_SLOTS)[number], string> = {
    to: assertHeaderSafe('To', recipient.to),
    date: recipient.date.toUTCString().replace('GMT', '+0000'),
    messageId: `<${recipient.date.getTime().toString(36)}.${(sequence++).toString(36)}.${Math.random().toString(36).slice(2)}@${recipient.from.split('@').at(-1)?.replace(/>.*$/, '') ?? 'letgo'}>`,
    unsubscribeUrl: assertHeaderSafe('List-Unsubscribe', recipient.values.unsubscribeUrl),
  };
  let raw = statics[0] ?? '';
  slots.forEach((slot, i) => {
    if (slot.kind === 'header') {
      raw += headers[slot.name as keyof typeof headers];
    } else {
      const value = recipient.values[slot.name as keyof Placeholders];
      if (value === undefined) throw new Error(`template placeholder {{${slot.name}}} has no value`);
      raw += qpValue(slot.kind === 'html' ? escapeHtml(value) : value);
    }
    raw += statics[i + 1] ?? '';
  });
  return raw;
}
