import { Parser } from 'htmlparser2';

/**
 * The HTML tags wikitext may use, as MediaWiki's sanitizer allows them, and what ferry keeps of
 * each: structure (tables, lists, headings) with the attributes that change it, never style,
 * class or event handlers. Templates write these more than articles do.
 */
export const BLOCK_TAGS = new Set(
  'table caption thead tbody tfoot tr td th ul ol li dl dt dd h1 h2 h3 h4 h5 h6 blockquote hr p'.split(' '),
);
const KEPT_ATTRIBUTES: Record<string, string[]> = {
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan', 'scope'],
  ol: ['start'],
};

/**
 * A line holding a block tag (kept, or a <div> that goes) is neither a paragraph nor, when it
 * starts with a space, preformatted text, as MediaWiki's doBlockLevels decides.
 */
export const BLOCK_TAG_LINE = new RegExp(`</?(${[...BLOCK_TAGS].join('|')}|div|center|p|section)\\b[^<>]*>`, 'i');

/** A block tag rewritten with only the attributes it keeps. */
export function blockTag(name: string, closing: boolean, attributes: string): string {
  if (closing) return `</${name}>`;
  const kept = (KEPT_ATTRIBUTES[name] ?? [])
    .map((key) => {
      const value = new RegExp(`\\b${key}\\s*=\\s*["']?(\\d+|row|col)`, 'i').exec(attributes)?.[1];
      return value ? ` ${key}="${value}"` : '';
    })
    .join('');
  return name === 'hr' ? '<hr>' : `<${name}${kept}>`;
}

/**
 * Closes what template output opened and never closed, and drops closings of what it never
 * opened, so that a page's body cannot break the page around it.
 */
export function balanceHtml(html: string): string {
  // Streamed, without building a tree: the parser closes what is implied and ignores stray closings.
  let out = '';
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        out += `<${name}`;
        for (const [key, value] of Object.entries(attributes)) out += ` ${key}="${value}"`;
        out += '>';
      },
      ontext(text) {
        out += text;
      },
      onclosetag(name) {
        if (!VOID_TAGS.has(name)) out += `</${name}>`;
      },
    },
    { decodeEntities: false },
  );
  parser.write(html);
  parser.end();
  return out;
}

const VOID_TAGS = new Set(['br', 'hr', 'wbr', 'img', 'col']);
