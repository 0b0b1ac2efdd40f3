// Bundle-time stand-in for nodemailer's table of file extensions (90 KB). The MIME layer uses
// nodemailer's header encoding only (encodeWords, foldLines); the table serves attachments'
// content types, and Let Go sends no attachments.
export function detectMimeType() {
  return 'application/octet-stream';
}
export function detectExtension() {
  return 'bin';
}
