import { renderBlocks } from './blocks.js';
import { renderInline } from './inline.js';
import { preprocess } from './preprocess.js';
import { REFERENCES_MARK, RenderState, type WikiLinks } from './state.js';
import { expandTemplates } from './templates.js';

export type { WikiLinks } from './state.js';

export interface RenderedWikitext {
  /** The page's content as HTML, footnotes included. */
  body: string;
  headings: string[];
}

function footnotesHtml(state: RenderState): string {
  if (state.footnotes.length === 0) return '';
  const items = state.footnotes.map(
    (note) => `<li id="note-${note.number}"><a href="#ref-${note.number}">^</a> ${note.html}</li>`,
  );
  return `<ol class="references">${items.join('')}</ol>`;
}

/**
 * Wikitext to clean HTML: headings, paragraphs, lists, tables, links, bold and italic, references
 * as numbered footnotes, infoboxes as simple tables. Templates that need the wiki's own template
 * pages are dropped, never shown as raw {{…}}. Never throws on odd markup.
 */
export function renderWikitext(text: string, links: WikiLinks): RenderedWikitext {
  const state = new RenderState(links);
  let source = preprocess(text, state);
  source = expandTemplates(source, state, renderInline);
  source = source.replace(/__[A-Z]+__/g, '');
  let body = state.restore(renderBlocks(source, state));
  const notes = footnotesHtml(state);
  if (body.includes(REFERENCES_MARK)) {
    let placed = false;
    body = body.replaceAll(REFERENCES_MARK, () => (placed ? '' : ((placed = true), notes)));
  } else if (notes !== '') {
    body += `\n<h2 id="Notes">Notes</h2>\n${notes}`;
  }
  return { body, headings: state.headings };
}
