// Lesson markdown, rendered for the HTML part (marked) and as readable plain text for the text part.
import { Lexer, Marked, type MarkedToken, type Token } from 'marked';

const marked = new Marked({ gfm: true, breaks: false, async: false });

export function markdownToHtml(md: string): string {
  return marked.parse(md, { async: false }).trim();
}

const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—', ndash: '–', hellip: '…',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', middot: '·',
};
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

function inlineText(tokens: Token[] | undefined): string {
  return (tokens ?? []).map((token) => {
    const t = token as MarkedToken;
    switch (t.type) {
      case 'text': return t.tokens ? inlineText(t.tokens) : decodeEntities(t.text);
      case 'strong': case 'em': case 'del': return inlineText(t.tokens);
      case 'codespan': case 'escape': return decodeEntities(t.text);
      case 'br': return '\n';
      case 'html': return '';
      case 'image': return t.text;
      case 'link': {
        const label = inlineText(t.tokens);
        if (`mailto:${label}` === t.href) return label;
        if (label === t.href) return `\n${label}\n`;
        return `${label}${URL_MARK}${t.href}${URL_MARK}`;
      }
      default: return decodeEntities(t.raw);
    }
  }).join('');
}

const URL_MARK = '\u0000';
/**
 * A link keeps its label in the sentence and its URL moves to a line of its own after the block,
 * where a reader can tap or copy it whole; "label (https://...)" inline is hard to read and to copy.
 */
function placeUrls(s: string, transform: (text: string) => string = (text) => text): string {
  const urls: string[] = [];
  const text = s.replace(/\u0000([^\u0000]*)\u0000/g, (_m, url: string) => {
    urls.push(url);
    return '';
  });
  return [transform(text.replace(/ *\n */g, '\n').trim()), ...urls].join('\n');
}

const indentRest = (s: string, pad: string): string => s.replace(/\n/g, `\n${pad}`);

function blockText(token: Token): string {
  const t = token as MarkedToken;
  switch (t.type) {
    case 'space': case 'def': return '';
    case 'paragraph': case 'text': return t.tokens ? placeUrls(inlineText(t.tokens)) : decodeEntities(t.text);
    case 'heading': return placeUrls(inlineText(t.tokens), (title) =>
      t.depth === 1 ? `${title}\n${'='.repeat([...title].length)}` : title.toUpperCase());
    case 'list': return t.items.map((item, i) => {
      const bullet = t.ordered ? `${(Number(t.start) || 1) + i}. ` : '- ';
      const inner = item.tokens.map(blockText).filter(Boolean).join(item.loose ? '\n\n' : '\n');
      return bullet + indentRest(inner, ' '.repeat(bullet.length));
    }).join(t.loose ? '\n\n' : '\n');
    case 'blockquote': return `> ${indentRest(blocksText(t.tokens), '> ')}`;
    case 'code': return `    ${indentRest(t.text, '    ')}`;
    case 'hr': return '---';
    case 'html': return decodeEntities(t.text.replace(/<[^>]*>/g, '')).trim();
    case 'table': return [t.header, ...t.rows].map((row) => placeUrls(row.map((c) => inlineText(c.tokens)).join(' | '))).join('\n');
    default: return decodeEntities(t.raw).trim();
  }
}

function blocksText(tokens: Token[]): string {
  return tokens.map(blockText).filter((s) => s.trim() !== '').join('\n\n');
}

/** Readable plain text from markdown: paragraphs, `##` headings in capitals, "- " list items, URLs on their own lines, no HTML. */
export function markdownToText(md: string): string {
  return blocksText(Lexer.lex(md, { gfm: true }));
}
