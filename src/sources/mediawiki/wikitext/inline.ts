import { pageHref } from '../../../pack/page-links.js';
import { escapeHtml } from '../../../search/snippet.js';
import { anchorOf, CATEGORY, FILE, fullTitle, parseTitle, titlePath } from '../titles.js';
import { BLOCK_TAGS, blockTag } from './html-tags.js';
import { MAX_DEPTH, REF_MARK, type RenderState } from './state.js';

/** Tags that may stay in the page, without attributes; others are shown as text. */
const KEPT_TAGS = new Set(
  'b i u s strike del ins sub sup small big code tt kbd var samp abbr cite q span br wbr mark dfn em strong bdi'.split(
    ' ',
  ),
);
/** Block tags whose content stays but whose tag goes: a <div> cannot sit in a paragraph. */
const UNWRAPPED_TAGS = /^(div|center|font|poem|section|onlyinclude|includeonly)$/;
const INTERWIKI = new Set(
  'w wikt wiktionary commons c s wikisource q wikiquote n wikinews b wikibooks v wikiversity voy wikivoyage species d wikidata m meta mw foundation wmf'.split(
    ' ',
  ),
);
const LANGUAGE_PREFIX = /^([a-z]{2,3}(-[a-z0-9]{2,8})*|simple):/;

/** Finds the `]]` that closes the `[[` at `start`, allowing links nested in file captions. */
export function closingBrackets(text: string, start: number): number {
  let depth = 0;
  for (let index = start; index < text.length - 1; index++) {
    if (text[index] === '[' && text[index + 1] === '[') {
      depth++;
      index++;
    } else if (text[index] === ']' && text[index + 1] === ']') {
      depth--;
      if (depth === 0) return index;
      index++;
    }
  }
  return -1;
}

function internalLink(inner: string, trail: string, state: RenderState): string {
  const { links } = state;
  const bar = inner.indexOf('|');
  const rawTarget = (bar >= 0 ? inner.slice(0, bar) : inner).trim();
  const leadingColon = rawTarget.startsWith(':');
  const target = leadingColon ? rawTarget.slice(1) : rawTarget;
  const parsed = parseTitle(target, links.namespaces);
  const label = bar >= 0 && inner.slice(bar + 1).trim() !== '' ? inner.slice(bar + 1) : target.replace(/^#/, '');
  if (!leadingColon && parsed.namespace === CATEGORY) return ''; // membership: listed at the foot of the page
  if (parsed.namespace === FILE || parsed.namespace === -2) return ''; // media files are not in a dump
  const prefix =
    parsed.namespace === 0
      ? target
          .slice(0, Math.max(0, target.indexOf(':')))
          .trim()
          .toLowerCase()
      : '';
  if (INTERWIKI.has(prefix)) return renderInline(bar >= 0 ? label : target.slice(prefix.length + 1), state) + trail;
  // A link to the same page in another language's wiki.
  if (!leadingColon && LANGUAGE_PREFIX.test(`${prefix}:`)) return '';
  let shown = renderInline(label + trail, state);
  // A label of only an image (dropped offline) would leave nothing to click: the title stands in.
  if (state.showsNothing(shown)) shown = renderInline(target.replace(/^#/, '') + trail, state);
  if (parsed.name === '' && parsed.fragment !== '') {
    return `<a href="#${escapeHtml(encodeURIComponent(anchorOf(parsed.fragment)))}">${shown}</a>`;
  }
  const title = fullTitle(parsed, links.namespaces);
  if (!links.exists(title)) return `<span class="missing" title="not in this collection">${shown}</span>`;
  const fragment = parsed.fragment ? `#${escapeHtml(encodeURIComponent(anchorOf(parsed.fragment)))}` : '';
  return `<a href="${pageHref(links.pagePath, titlePath(title))}${fragment}">${shown}</a>`;
}

function replaceInternalLinks(text: string, state: RenderState): string {
  let out = '';
  let index = 0;
  for (let open = text.indexOf('[[', index); open >= 0; open = text.indexOf('[[', index)) {
    const close = closingBrackets(text, open);
    if (close < 0) break;
    out += text.slice(index, open);
    const trail = /^[a-z]*/.exec(text.slice(close + 2))![0];
    out += state.keep(internalLink(text.slice(open + 2, close), trail, state));
    index = close + 2 + trail.length;
  }
  return out + text.slice(index);
}

const URL_SCHEME = '(?:https?:|ftp:|mailto:|//)';

function replaceExternalLinks(text: string, state: RenderState): string {
  const bracketed = new RegExp(`\\[(${URL_SCHEME}[^\\s\\]<>"]+)(?:\\s+([^\\]]*))?\\]`, 'gi');
  let result = text.replace(bracketed, (_, url: string, label?: string) => {
    const plainUrl = label !== undefined && new RegExp(`^${URL_SCHEME}\\S+$`, 'i').test(label.trim());
    const shown = label?.trim() && !plainUrl ? renderInline(label, state) : escapeHtml(label?.trim() || url);
    return state.keep(`<a class="external" href="${escapeHtml(url)}">${shown}</a>`);
  });
  result = result.replace(/\bhttps?:\/\/[^\s<>"[\]{}|]+[^\s<>"[\]{}|.,;:!?')]/gi, (url) =>
    state.keep(`<a class="external" href="${escapeHtml(url)}">${escapeHtml(url)}</a>`),
  );
  return result;
}

/** Keeps the allowed tags (without attributes), unwraps block tags, escapes every other < and &. */
function escapeText(text: string, state: RenderState): string {
  return text
    .replace(/<(\/?)([a-z][a-z0-9]*)\b[^<>]*?(\/?)>/gi, (whole, slash: string, tag: string, selfClose: string) => {
      const name = tag.toLowerCase();
      if (KEPT_TAGS.has(name)) return state.keep(name === 'br' || selfClose ? `<${name}>` : `<${slash}${name}>`);
      if (BLOCK_TAGS.has(name)) {
        state.wroteHtmlTags = true;
        return state.keep(blockTag(name, slash === '/', whole));
      }
      if (name === 'img') return ''; // an image from the wiki's server, which is not there offline
      if (UNWRAPPED_TAGS.test(name)) return ' ';
      return whole;
    })
    .replace(/&(?!(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});)/gi, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** MediaWiki's '' and ''' rules, on one line, with tags closed properly at its end. */
function applyQuotes(line: string): string {
  if (!line.includes("''")) return line;
  const open: ('b' | 'i')[] = [];
  const toggle = (tag: 'b' | 'i') => {
    const position = open.lastIndexOf(tag);
    if (position < 0) {
      open.push(tag);
      return `<${tag}>`;
    }
    const inner = open.slice(position + 1);
    open.splice(position);
    open.push(...inner);
    return inner.map((other) => `</${other}>`).join('') + `</${tag}>` + inner.map((other) => `<${other}>`).join('');
  };
  let out = '';
  for (const piece of line.split(/('{2,})/)) {
    if (!piece.startsWith("''")) {
      out += piece;
      continue;
    }
    let run = piece.length;
    if (run === 4) {
      out += "'";
      run = 3;
    } else if (run > 5) {
      out += "'".repeat(run - 5);
      run = 5;
    }
    if (run === 2) out += toggle('i');
    else if (run === 3) out += toggle('b');
    else if (open.at(-1) === 'b') out += toggle('b') + toggle('i');
    else out += toggle('i') + toggle('b');
  }
  return (
    out +
    [...open]
      .reverse()
      .map((tag) => `</${tag}>`)
      .join('')
  );
}

/** Footnote markers: numbered in the order they are shown, a named note keeps its first number. */
function replaceRefMarks(text: string, state: RenderState): string {
  return text.replace(REF_MARK, (_, index: string) => {
    const name = state.refNames[Number(index)];
    const known = name !== undefined ? state.footnoteByName.get(name) : undefined;
    if (known !== undefined) return `<sup class="reference"><a href="#note-${known}">[${known}]</a></sup>`;
    const number = state.footnotes.length + 1;
    const raw = (name !== undefined ? state.namedRefText.get(name) : undefined) ?? state.refTexts[Number(index)] ?? '';
    if (name !== undefined) state.footnoteByName.set(name, number);
    const footnote = { number, html: '' };
    state.footnotes.push(footnote);
    footnote.html = renderInline(state.expandText(raw, true), state);
    return `<sup class="reference" id="ref-${number}"><a href="#note-${number}">[${number}]</a></sup>`;
  });
}

/** Inline wikitext (links, bold, italic, footnote markers, allowed tags) to HTML, with stashed parts restored. */
export function renderInline(text: string, state: RenderState): string {
  if (state.depth >= MAX_DEPTH) return escapeHtml(text);
  state.depth++;
  try {
    return renderInlineAtDepth(text, state);
  } finally {
    state.depth--;
  }
}

function renderInlineAtDepth(text: string, state: RenderState): string {
  let result = replaceInternalLinks(text, state);
  result = replaceExternalLinks(result, state);
  result = escapeText(result, state);
  result = result.split('\n').map(applyQuotes).join('\n');
  result = replaceRefMarks(result, state);
  return state.restore(result);
}
