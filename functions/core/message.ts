import { createMimeMessage } from 'mimetext';

/**
 * The per-recipient part of sending: fill a precompiled template and wrap it
 * in MIME. No MJML here: templates were compiled once by the build.
 */
export type CompiledEmail = { subject: string; preheader: string; html: string; text: string };
export type CompiledLesson = CompiledEmail & { day: number; section: string; action: string };
export type CompiledCourse = {
  version: 1;
  totalDays: 21;
  confirmation: CompiledEmail;
  alreadyEnrolled: CompiledEmail;
  complete: CompiledEmail;
  lessons: CompiledLesson[];
};

export type Placeholders = {
  greeting: string;
  unsubscribeUrl: string;
  confirmUrl?: string;
  preferencesUrl?: string;
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** Replaces every `{{name}}`; a placeholder without a value is a bug, so it throws. */
export function fillTemplate(template: string, values: Placeholders, escape: (value: string) => string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => {
    const value = values[name as keyof Placeholders];
    if (value === undefined) throw new Error(`template placeholder {{${name}}} has no value`);
    return escape(value);
  });
}

export function greetingFor(firstName: string | undefined): string {
  return firstName ? `Hi ${firstName},` : 'Hi,';
}

export type OutgoingMessage = {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  date: Date;
  unsubscribeUrl: string;
  unsubscribeMailto: string;
};

/** Base64 in 76-character lines (RFC 2045); a slice loop, since a regex split costs more than the encoding. */
function base64Lines(value: string): string {
  const encoded = Buffer.from(value, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let at = 0; at < encoded.length; at += 76) lines.push(encoded.slice(at, at + 76));
  return lines.join('\r\n');
}

function assertHeaderSafe(name: string, value: string): string {
  // Header injection guard: the edge already rejects CR/LF, this is the last line.
  if (/[\r\n]/.test(value)) throw new Error(`refusing a line break in the ${name} header`);
  return value;
}

/** Builds the raw RFC 5322 message: multipart/alternative, one-click unsubscribe headers. */
export function buildMime(message: OutgoingMessage): string {
  const mime = createMimeMessage();
  mime.setSender(assertHeaderSafe('From', message.from));
  mime.setRecipient(assertHeaderSafe('To', message.to));
  mime.setSubject(assertHeaderSafe('Subject', message.subject));
  mime.setHeader('Date', message.date.toUTCString().replace('GMT', '+0000'));
  mime.setHeader(
    'List-Unsubscribe',
    `<${assertHeaderSafe('List-Unsubscribe', message.unsubscribeUrl)}>, <${assertHeaderSafe('List-Unsubscribe', message.unsubscribeMailto)}>`,
  );
  mime.setHeader('List-Unsubscribe-Post', 'List-Unsubscribe=One-Click');
  mime.addMessage({ contentType: 'text/plain', encoding: 'base64', data: base64Lines(message.text) });
  mime.addMessage({ contentType: 'text/html', encoding: 'base64', data: base64Lines(message.html) });
  return mime.asRaw();
}
