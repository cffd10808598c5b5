import { escapeHtml } from '../../../search/snippet.js';
import { anchorOf } from '../titles.js';
import { renderInline } from './inline.js';
import { BLOCK_TAG_LINE } from './html-tags.js';
import { indexOutsideLinks } from './outside-links.js';
import { MAX_DEPTH, REFERENCES_MARK, type RenderState } from './state.js';
import { renderTable } from './tables.js';

type ListKind = 'ul' | 'ol' | 'dl';
const LIST_OF: Record<string, ListKind> = { '*': 'ul', '#': 'ol', ':': 'dl', ';': 'dl' };
const ITEM_OF: Record<string, string> = { '*': 'li', '#': 'li', ':': 'dd', ';': 'dt' };

const HEADING = /^(={1,6})\s*(.+?)\s*\1\s*$/;

function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .trim();
}

/** The `:` that ends a `; term : definition` line's term, outside links and URLs. */
function termEnd(text: string): number {
  return indexOutsideLinks(text, (index) => text[index] === ':' && !text.startsWith('://', index));
}

/** Opens and closes nested lists as the `*#:;` prefixes of successive lines change. */
class ListWriter {
  private readonly open: { list: ListKind; item: string }[] = [];
  html = '';

  get active(): boolean {
    return this.open.length > 0;
  }

  line(prefix: string, content: string, state: RenderState): void {
    let kept = 0;
    while (kept < this.open.length && kept < prefix.length && this.open[kept]!.list === LIST_OF[prefix[kept]!]) kept++;
    this.closeTo(kept);
    if (kept === prefix.length && kept > 0) {
      const level = this.open[kept - 1]!;
      this.html += `</${level.item}>`;
      level.item = ITEM_OF[prefix[kept - 1]!]!;
      this.html += `<${level.item}>`;
    }
    for (let depth = kept; depth < prefix.length; depth++) {
      const marker = prefix[depth]!;
      this.open.push({ list: LIST_OF[marker]!, item: ITEM_OF[marker]! });
      this.html += `<${LIST_OF[marker]}><${ITEM_OF[marker]}>`;
    }
    const split = prefix.endsWith(';') ? termEnd(content) : -1;
    if (split < 0) {
      this.html += renderInline(content.trim(), state);
      return;
    }
    const level = this.open[this.open.length - 1]!;
    this.html += `${renderInline(content.slice(0, split).trim(), state)}</dt><dd>`;
    level.item = 'dd';
    this.html += renderInline(content.slice(split + 1).trim(), state);
  }

  closeTo(depth: number): void {
    while (this.open.length > depth) {
      const level = this.open.pop()!;
      this.html += `</${level.item}></${level.list}>`;
    }
  }

  take(): string {
    this.closeTo(0);
    const html = this.html;
    this.html = '';
    return html;
  }
}

/** The lines of the table that starts at `start`, through its matching `|}`. */
function tableLines(lines: string[], start: number): string[] {
  let depth = 0;
  for (let index = start; index < lines.length; index++) {
    const trimmed = lines[index]!.trimStart();
    if (trimmed.startsWith('{|')) depth++;
    else if (trimmed.startsWith('|}') && --depth === 0) return lines.slice(start, index + 1);
  }
  return [...lines.slice(start), '|}'];
}

/** Block wikitext (headings, paragraphs, lists, tables, preformatted lines) to HTML. */
export function renderBlocks(text: string, state: RenderState, inCell = false): string {
  if (state.depth >= MAX_DEPTH) return escapeHtml(text);
  state.depth++;
  try {
    return renderBlocksAtDepth(text, state, inCell);
  } finally {
    state.depth--;
  }
}

function renderBlocksAtDepth(text: string, state: RenderState, inCell: boolean): string {
  const lines = text.split('\n');
  const out: string[] = [];
  const list = new ListWriter();
  let paragraph: string[] = [];
  let pre: string[] = [];
  const flush = () => {
    if (list.active) out.push(list.take());
    if (paragraph.length > 0) {
      const html = renderInline(paragraph.join('\n'), state).trim();
      if (html !== '') out.push(inCell ? html : `<p>${html}</p>`);
      paragraph = [];
    }
    if (pre.length > 0) {
      out.push(`<pre>${renderInline(pre.join('\n'), state)}</pre>`);
      pre = [];
    }
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const trimmed = line.trimStart();
    const indented = /^(:+)\s*\{\|/.exec(line);
    if (trimmed.startsWith('{|') || indented) {
      flush();
      const table = tableLines(lines, index);
      if (indented) table[0] = line.slice(indented[1]!.length);
      const html = renderTable(table, state, renderBlocks);
      // `:{|` indents a table, as a definition list's item.
      out.push(
        indented ? `${'<dl><dd>'.repeat(indented[1]!.length)}${html}${'</dd></dl>'.repeat(indented[1]!.length)}` : html,
      );
      index += table.length - 1;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading && !inCell) {
      flush();
      const level = Math.max(2, heading[1]!.length);
      const html = renderInline(heading[2]!, state);
      const plain = plainText(html);
      state.headings.push(plain);
      out.push(`<h${level} id="${escapeHtml(anchorOf(plain))}">${html}</h${level}>`);
      continue;
    }
    const listPrefix = /^[*#:;]+/.exec(line)?.[0];
    if (listPrefix) {
      if (paragraph.length > 0 || pre.length > 0) flush();
      list.line(listPrefix, line.slice(listPrefix.length), state);
      continue;
    }
    if (/^-{4,}/.test(line)) {
      flush();
      out.push('<hr>');
      continue;
    }
    if (BLOCK_TAG_LINE.test(line)) {
      flush();
      out.push(renderInline(line, state));
      continue;
    }
    if (line.trim() === REFERENCES_MARK || state.isBlockLine(line)) {
      flush();
      out.push(line.trim());
      continue;
    }
    if (line.startsWith(' ') && line.trim() !== '' && !inCell) {
      if (paragraph.length > 0 || list.active) flush();
      pre.push(line.slice(1));
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (pre.length > 0 || list.active) flush();
    paragraph.push(line);
  }
  flush();
  return out.join(inCell ? '<br>' : '\n');
}
