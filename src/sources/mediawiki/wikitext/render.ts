import { TemplateExpander, type Fallback, type PageContext } from '../templates/expand.js';
import { TemplateCounts } from '../templates/template-counts.js';
import { renderBlocks } from './blocks.js';
import { balanceHtml } from './html-tags.js';
import { closingBrackets, renderInline } from './inline.js';
import { preprocess } from './preprocess.js';
import { PRIVATE_USE, REFERENCES_MARK, RenderState, type WikiLinks } from './state.js';
import { renderUnexpanded } from './templates.js';

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
 * A link's label may run over several lines (templates write `[[Target|\n<div>…</div>]]`);
 * MediaWiki reads links before lines, so the label's lines are joined into one here.
 */
function joinLinkLabels(text: string): string {
  let out = '';
  let index = 0;
  for (let open = text.indexOf('[[', index); open >= 0; open = text.indexOf('[[', index)) {
    const close = closingBrackets(text, open);
    if (close < 0) break;
    const link = text.slice(open, close + 2);
    const bar = link.indexOf('|');
    const joined =
      bar > 0 && !link.slice(0, bar).includes('\n')
        ? link.slice(0, bar) + link.slice(bar).replace(/\s*\n\s*/g, ' ')
        : link;
    out += text.slice(index, open) + joined;
    index = close + 2;
  }
  return out + text.slice(index);
}

/** The expander of a wiki's templates, and what it knows of the page. */
export interface PageTemplates {
  expander: TemplateExpander;
  page: PageContext;
}

/** For a page rendered alone: no template texts, so every call is rendered another way. */
function withoutTemplates(links: WikiLinks): PageTemplates {
  const expander = new TemplateExpander(
    { text: () => undefined, exists: (title) => links.exists(title) },
    new TemplateCounts(),
  );
  const page = {
    title: links.title,
    namespaces: links.namespaces,
    siteName: '',
    now: new Date(0),
    language: 'en',
    server: '',
    wiki: '',
  };
  return { expander, page };
}

/**
 * Wikitext to clean HTML: templates expanded from the wiki's own (or, where they cannot be,
 * rendered by hand, as a table of their parameters, or dropped; never shown as raw {{…}}),
 * headings, paragraphs, lists, tables, links, bold and italic, references as numbered footnotes.
 * Never throws on odd markup.
 */
export function renderWikitext(text: string, links: WikiLinks, templates = withoutTemplates(links)): RenderedWikitext {
  const state = new RenderState(links);
  const { expander, page } = templates;
  const fallback: Fallback = (call, place) => renderUnexpanded(call, place, state, renderInline, page);
  // Comments, code and <ref>s first, as MediaWiki does; what templates give back goes the same way.
  state.expandText = (wikitext, footnote) => preprocess(expander.expandPage(wikitext, page, fallback, footnote), state);
  let source = preprocess(text.replace(PRIVATE_USE, ''), state);
  source = state.expandText(source, false);
  source = joinLinkLabels(source.replace(/__[A-Z]+__/g, ''));
  let body = state.restore(renderBlocks(source, state));
  // What ferry writes itself is balanced; only HTML tags from the wiki's text may not be.
  if (state.wroteHtmlTags) body = balanceHtml(body);
  const notes = footnotesHtml(state);
  if (body.includes(REFERENCES_MARK)) {
    let placed = false;
    body = body.replaceAll(REFERENCES_MARK, () => (placed ? '' : ((placed = true), notes)));
  } else if (notes !== '') {
    body += `\n<h2 id="Notes">Notes</h2>\n${notes}`;
  }
  return { body, headings: state.headings };
}
