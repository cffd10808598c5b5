import { indexOutsideLinks } from './outside-links.js';
import type { RenderState } from './state.js';

/** Renders a block of wikitext (paragraphs, lists, nested tables): given by the caller to avoid a cycle. */
export type BlockRenderer = (text: string, state: RenderState, inCell: boolean) => string;

interface Cell {
  header: boolean;
  attributes: string;
  text: string;
}

/** Only the spans survive: styles and classes belong to the wiki's skin, not to us. */
function spans(attributes: string): string {
  let kept = '';
  for (const match of attributes.matchAll(/\b(colspan|rowspan)\s*=\s*["']?(\d{1,3})/gi)) {
    kept += ` ${match[1]!.toLowerCase()}="${match[2]}"`;
  }
  return kept;
}

/** `attrs | content`: the first single bar outside [[links]] separates attributes from content. */
function splitCell(text: string): { attributes: string; text: string } {
  const bar = indexOutsideLinks(text, (index) => text[index] === '|' && text[index + 1] !== '|');
  const before = bar >= 0 ? text.slice(0, bar) : '';
  return bar >= 0 && /[=]/.test(before) && !/[[{<]/.test(before)
    ? { attributes: before, text: text.slice(bar + 1) }
    : { attributes: '', text };
}

function cellsOf(line: string, header: boolean): Cell[] {
  const separator = header ? /!!|\|\|/ : /\|\|/;
  return line.split(separator).map((piece) => ({ header, ...splitCell(piece) }));
}

/**
 * Renders the lines of one `{| … |}` table. Lines of nested tables stay in their cell's text and
 * are rendered when the cell is.
 */
export function renderTable(lines: string[], state: RenderState, renderBlocks: BlockRenderer): string {
  let caption = '';
  const rows: Cell[][] = [];
  let row: Cell[] | undefined;
  let cell: Cell | undefined;
  let nested = 0;
  for (const line of lines.slice(1, -1)) {
    const trimmed = line.trimStart();
    if (nested > 0 || trimmed.startsWith('{|')) {
      if (trimmed.startsWith('{|')) nested++;
      if (trimmed.startsWith('|}')) nested--;
      if (cell) cell.text += `\n${line}`;
      continue;
    }
    if (trimmed.startsWith('|+')) caption = trimmed.slice(2);
    else if (trimmed.startsWith('|-')) {
      row = [];
      rows.push(row);
      cell = undefined;
    } else if (trimmed.startsWith('|') || trimmed.startsWith('!')) {
      if (!row) rows.push((row = []));
      const cells = cellsOf(trimmed.slice(1), trimmed[0] === '!');
      row.push(...cells);
      cell = cells.at(-1);
    } else if (cell) cell.text += `\n${line}`;
  }
  const body = rows
    .filter((cells) => cells.length > 0)
    .map((cells) => {
      const html = cells.map((item) => {
        const tag = item.header ? 'th' : 'td';
        return `<${tag}${spans(item.attributes)}>${renderBlocks(item.text.trim(), state, true)}</${tag}>`;
      });
      return `<tr>${html.join('')}</tr>`;
    })
    .join('');
  const captionHtml = caption.trim()
    ? `<caption>${renderBlocks(splitCell(caption).text.trim(), state, true)}</caption>`
    : '';
  return `<table class="wikitable">${captionHtml}<tbody>${body}</tbody></table>`;
}
