import { encode as qpEncode, wrap as qpWrap } from 'libqp';
import { createMimeMessage, Mailbox, type MIMEMessage } from 'mimetext';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import mimeFuncs from 'nodemailer/lib/mime-funcs/index.js';
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
  /** Where replies go: a mailbox the author reads (the sending domain receives nothing). */
  replyTo: string;
  to: string;
  date: Date;
  unsubscribeMailto: string;
  values: Placeholders;
  /** False for the author's own mail (sign-in links, the digest): no List-Unsubscribe headers. */
  listUnsubscribe?: boolean;
};

type Slot = { name: string; kind: 'html' | 'text' | 'header' };
type Skeleton = { statics: string[]; slots: Slot[] };

const MARK = '\u0001';
const HEADER_SLOTS = ['to', 'date', 'messageId', 'listUnsubscribe'] as const;
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

/**
 * A header's value folded by nodemailer at 76 columns, never right after the
 * colon (mimetext writes `Name: ` itself). A URL longer than a line stays whole.
 */
function folded(name: string, value: string): string {
  return mimeFuncs.foldLines(`${name}: ${value}`, 76).slice(name.length + 1).replace(/^\s+/, '');
}
/** Plain ASCII as it is; anything else as RFC 2047 encoded words of at most 75 characters. */
const encodeText = (text: string): string => mimeFuncs.encodeWords(text, 'Q', 52, true);

/** `Name <local@domain>` or a bare address, with the name quoted or encoded only when it must be. */
function mailbox(header: string, value: string): string {
  const [parsed, ...more] = addressparser(assertHeaderSafe(header, value));
  if (!parsed || more.length > 0 || !('address' in parsed) || !/^[^\s@<>]+@[^\s@<>]+$/.test(parsed.address)) {
    throw new Error(`the ${header} header takes one mailbox, got "${value}"`);
  }
  if (!parsed.name) return parsed.address;
  const name = /^[\w ]*$/.test(parsed.name) ? parsed.name
    : /^[\x20-\x7e]*$/.test(parsed.name) ? mimeFuncs.quoteString(parsed.name) : encodeText(parsed.name);
  return `${name} <${parsed.address}>`;
}

/**
 * mimetext base64-encodes every subject and display name, even plain ASCII,
 * which spam filters score (FROM_EXCESS_BASE64, SUBJ_EXCESS_BASE64) and which
 * breaks RFC 2047's 75 characters for a long subject: these fields are written
 * as nodemailer encodes them instead.
 */
function replaceHeaders(mime: MIMEMessage, values: Record<string, string>): void {
  for (const field of mime.headers.fields) {
    const value = values[field.name];
    if (value !== undefined) field.dump = () => folded(field.name, value);
  }
}

type Sender = Pick<Recipient, 'from' | 'replyTo' | 'unsubscribeMailto' | 'listUnsubscribe'>;

function prepare(template: CompiledEmail, sender: Sender): Skeleton {
  if (template.subject.includes('{{')) throw new Error('subjects carry no placeholders');
  const header = (name: string) => `${MARK}header:${name}${MARK}`;
  const mime = createMimeMessage();
  const from = mailbox('From', sender.from);
  const replyTo = mailbox('Reply-To', sender.replyTo);
  mime.setSender(from);
  mime.setHeader('Reply-To', new Mailbox(replyTo));
  mime.setRecipient('recipient@skeleton.invalid');
  mime.setSubject(assertHeaderSafe('Subject', template.subject));
  replaceHeaders(mime, { From: from, 'Reply-To': replyTo, Subject: encodeText(template.subject) });
  mime.setHeader('Date', header('date'));
  mime.setHeader('Message-ID', header('messageId'));
  if (sender.listUnsubscribe !== false) {
    mime.setHeader('List-Unsubscribe', header('listUnsubscribe'));
    mime.setHeader('List-Unsubscribe-Post', 'List-Unsubscribe=One-Click');
  }
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

function skeletonFor(template: CompiledEmail, sender: Sender): Skeleton {
  let byConfig = cache.get(template);
  if (!byConfig) cache.set(template, (byConfig = new Map()));
  const key = `${sender.from}\n${sender.replyTo}\n${sender.unsubscribeMailto}\n${sender.listUnsubscribe !== false}`;
  let skeleton = byConfig.get(key);
  if (!skeleton) byConfig.set(key, (skeleton = prepare(template, sender)));
  return skeleton;
}

let sequence = 0;

/** The raw RFC 5322 message for one reader: multipart/alternative, one-click unsubscribe headers. */
export function composeMessage(template: CompiledEmail, recipient: Recipient): string {
  const { statics, slots } = skeletonFor(template, recipient);
  const unsubscribe = recipient.listUnsubscribe === false ? ''
    : `<${assertHeaderSafe('List-Unsubscribe', recipient.values.unsubscribeUrl)}>, <${assertHeaderSafe('List-Unsubscribe', recipient.unsubscribeMailto)}>`;
  const headers: Record<(typeof HEADER_SLOTS)[number], string> = {
    to: assertHeaderSafe('To', recipient.to),
    date: recipient.date.toUTCString().replace('GMT', '+0000'),
    messageId: `<${recipient.date.getTime().toString(36)}.${(sequence++).toString(36)}.${Math.random().toString(36).slice(2)}@${recipient.from.split('@').at(-1)?.replace(/>.*$/, '') ?? 'letgo'}>`,
    // Folded here, per reader: the URL's length decides where the line breaks.
    listUnsubscribe: folded('List-Unsubscribe', unsubscribe),
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
