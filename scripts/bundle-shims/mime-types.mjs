// Bundle-time stand-in for mime-types (and its 137 KB mime-db). mimetext calls
// `contentType()` only to validate attachment types, and Let Go sends no
// attachments: text/plain and text/html parts never reach it.
export function contentType(type) {
  return typeof type === 'string' && /^[\w.+-]+\/[\w.+-]+/.test(type) ? type : false;
}
export default { contentType };
