import { escapeHtml } from '../../../search/snippet.js';
import type { CallPlace, PageContext, UnexpandedCall } from '../templates/expand.js';
import { parseTitle, TEMPLATE, type Namespaces } from '../titles.js';
import { wiktionaryRendering } from './wiktionary-templates.js';
import { REFERENCES_MARK, type RenderState } from './state.js';

/** A call as hand renderings see it: the name lower-cased, arguments expanded, keys lower-cased, positional ones also under "1", "2", … */
interface TemplateCall {
  name: string;
  args: Map<string, string>;
  positional: string[];
}

/** Renders a fragment of wikitext to inline HTML (links, bold, …): given by the caller to avoid a cycle. */
export type InlineRenderer = (text: string, state: RenderState) => string;

function callOf(call: UnexpandedCall, namespaces: Namespaces): TemplateCall {
  const args = new Map<string, string>();
  call.positional.forEach((value, index) => args.set(String(index + 1), value));
  for (const [key, value] of call.named) args.set(key.toLowerCase(), value);
  const name = call.name
    .replace(/^(safe)?subst:/i, '')
    .replace(/_/g, ' ')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
  // {{Template:Cite web}} or {{Sjabloon:…}}: the wiki's own name for the namespace, whatever it is.
  const parsed = name.startsWith('#') ? undefined : parseTitle(name, namespaces);
  return {
    name: parsed?.namespace === TEMPLATE ? parsed.name.toLowerCase() : name,
    args,
    positional: call.positional,
  };
}

const first = (call: TemplateCall, ...keys: string[]) =>
  keys.map((key) => call.args.get(key)).find((value) => value !== undefined && value !== '');

/** Templates whose output is simply one of their arguments. */
const PASS_FIRST = new Set([
  'nowrap',
  'nobr',
  'small',
  'big',
  'smaller',
  'larger',
  'em',
  'strong',
  'sic',
  'not a typo',
]);
const PASS_SECOND = new Set(['lang', 'transl', 'transliteration', 'abbr', 'tooltip']);
const LITERAL: Record<string, string> = {
  '!': '|',
  '=': '=',
  "'": "'",
  '!!': '||',
  snd: ' – ',
  'spaced ndash': ' – ',
  ndash: '–',
  mdash: '—',
  '•': ' • ',
  nbsp: '\u00a0',
};
const HATNOTES: Record<string, string> = {
  main: 'Main article',
  'see also': 'See also',
  further: 'Further information',
};
const IMAGE_KEY =
  /^(image|img|logo|map|alt|caption|signature|coat|flag|seal|pushpin|module|embed|child|onlysourced|bodyclass|.*_?(size|upright)|image\d*.*|.*image.*)$/;

function citation(call: TemplateCall): string {
  const author =
    first(call, 'author', 'authors', 'author1') ??
    [first(call, 'last', 'last1', 'surname'), first(call, 'first', 'first1', 'given')].filter(Boolean).join(', ');
  const title = first(call, 'title', 'chapter') ?? first(call, 'url') ?? '';
  const url = first(call, 'url', 'chapter-url');
  const titled = url && /^(https?:|ftp:)?\/\//i.test(url) ? `[${url} ${title}]` : title;
  const parts = [
    author,
    first(call, 'date', 'year') ? `(${first(call, 'date', 'year')})` : '',
    titled ? `"${titled}"` : '',
    first(call, 'work', 'website', 'journal', 'newspaper', 'magazine', 'encyclopedia')
      ? `''${first(call, 'work', 'website', 'journal', 'newspaper', 'magazine', 'encyclopedia')}''`
      : '',
    first(call, 'publisher') ?? '',
    first(call, 'page', 'pages') ? `p. ${first(call, 'page', 'pages')}` : '',
    first(call, 'isbn') ? `ISBN ${first(call, 'isbn')}` : '',
  ];
  return parts.filter((part) => part && part.trim() !== '').join('. ');
}

/** A value that is only a file name (an image, a map): a dump has no files to show. */
const FILE_VALUE = /^[^\n|[\]{}]+\.(jpe?g|png|svg|gif|tiff?|webp|ogg|ogv|webm|pdf)$/i;

/**
 * A call shown as a two-column table of its named parameters, with the page's title above: the
 * common infobox, whatever the wiki calls it, when its template cannot be expanded.
 */
function parametersTable(call: TemplateCall, state: RenderState, inline: InlineRenderer): string {
  const heading = first(call, 'name', 'title', 'official_name', 'conventional_long_name') ?? state.links.title;
  const rows: string[] = [];
  for (const [key, value] of call.args) {
    if (/^\d+$/.test(key) || value === '' || IMAGE_KEY.test(key) || FILE_VALUE.test(value)) continue;
    if (key === 'name' || key === 'title') continue;
    const label = key.replace(/_/g, ' ').replace(/^./, (letter) => letter.toUpperCase());
    const shown = inline(value, state);
    // A value made only of what cannot be shown (a map template, a file) leaves no empty row.
    if (state.showsNothing(shown)) continue;
    rows.push(`<tr><th scope="row">${escapeHtml(label)}</th><td>${shown}</td></tr>`);
  }
  if (rows.length === 0) return '';
  return state.keepBlock(
    `<table class="infobox"><caption>${inline(heading, state)}</caption><tbody>${rows.join('')}</tbody></table>`,
  );
}

function dateOf(call: TemplateCall): string {
  const [year, month, day] = call.positional.filter((value) => /^\d+$/.test(value));
  if (!year) return '';
  return [year, month?.padStart(2, '0'), day?.padStart(2, '0')].filter(Boolean).join('-');
}

const LIST_TEMPLATES = new Set([
  'plainlist',
  'plain list',
  'flatlist',
  'flat list',
  'unbulleted list',
  'ubl',
  'bulleted list',
  'hlist',
  'ordered list',
  'collapsible list',
]);

/**
 * List templates, common in infoboxes: their items one per line (or "·" between, for flat lists),
 * whether they come as `* item` lines in one argument or as an argument each.
 */
function listTemplate(call: TemplateCall): string | undefined {
  if (!LIST_TEMPLATES.has(call.name)) return undefined;
  const fromLines = call.positional.length === 1 && /^\s*\*/.test(call.positional[0]!);
  const items = (fromLines ? call.positional[0]!.split('\n') : call.positional)
    .map((item) => item.replace(/^\s*[*#]+\s*/, '').trim())
    .filter((item) => item !== '');
  const flat = call.name.startsWith('flat') || call.name === 'hlist';
  return items.join(flat ? ' · ' : '<br>');
}

/**
 * The templates ferry renders itself when the dump cannot expand them (not in the dump, or built
 * on Lua): English Wikipedia's most used; undefined for any other.
 */
function handRendering(call: TemplateCall, state: RenderState, inline: InlineRenderer): string | undefined {
  const { name, positional } = call;
  if (name in LITERAL) return LITERAL[name]!;
  if (PASS_FIRST.has(name)) return positional[0] ?? '';
  if (PASS_SECOND.has(name)) return positional[1] ?? positional[0] ?? '';
  if (name.startsWith('lang-')) return positional[0] ?? '';
  if (/^(reflist|references|notelist|notes)$/.test(name)) return `\n${REFERENCES_MARK}\n`;
  if (name.startsWith('cite ') || name === 'citation' || name === 'cite') return citation(call);
  if (name === 'sfn' || name === 'harvnb' || name === 'sfnp') {
    const text = [positional.slice(0, -1).join(' '), positional.at(-1)].filter(Boolean).join(' ');
    const page = first(call, 'p', 'pp', 'page', 'pages');
    return name === 'harvnb'
      ? text
      : state.refMark(page ? `${text}, p. ${page}` : text, `sfn-${name}-${positional.join('|')}-${page ?? ''}`);
  }
  if (name === 'efn' || name === 'refn' || name === 'efn-ua')
    return state.refMark(positional[0] ?? '', first(call, 'name'));
  if (name in HATNOTES && positional.length > 0) {
    const links = positional.map((target) => `[[${target}]]`).join(', ');
    return state.keepBlock(`<p class="hatnote">${escapeHtml(HATNOTES[name]!)}: ${inline(links, state)}</p>`);
  }
  if (name === 'quote' || name === 'blockquote' || name === 'quotation') {
    const text = first(call, 'text', 'quote', '1') ?? '';
    const source = first(call, 'author', 'sign', '2');
    const by = source ? `<footer>— ${inline(source, state)}</footer>` : '';
    return state.keepBlock(`<blockquote>${inline(text, state)}${by}</blockquote>`);
  }
  if (name === 'convert' || name === 'cvt') {
    const range = ['-', '–', 'to', 'and', 'or', 'by', 'x', '×', '+/-'].includes(positional[1] ?? '');
    return (range ? positional.slice(0, 4) : positional.slice(0, 2)).join(' ');
  }
  if (name === 'circa' || name === 'c.') return `c. ${positional[0] ?? ''}`.trim();
  if (/^(birth|death|start|end|film release)? ?date( and age)?$/.test(name)) return dateOf(call);
  if (name === 'mvar' || name === 'math' || name === 'var') return `''${positional[0] ?? ''}''`;
  const listed = listTemplate(call);
  if (listed !== undefined) return listed;
  if (name === 'nihongo') {
    const [english = '', native, romaji] = positional;
    const extra = [native, romaji].filter((part) => part && part.trim() !== '');
    return extra.length > 0 ? `${english} (${extra.join(', ')})` : english;
  }
  if (name === 'ill' || name === 'interlanguage link') {
    const label = first(call, 'lt') ?? positional[0];
    return positional[0] ? `[[${positional[0]}|${label}]]` : '';
  }
  if (name === 'as of') return positional[0] ? `As of ${positional.slice(0, 3).join('-')}` : '';
  if (name === 'url' || name === 'official website' || name === 'official url') {
    const raw = first(call, '1', 'url') ?? '';
    if (raw === '') return '';
    const url = /^(https?:)?\/\//i.test(raw) ? raw : `https://${raw}`;
    return `[${url} ${name === 'url' ? (positional[1] ?? raw) : 'Official website'}]`;
  }
  return undefined;
}

/**
 * A citation whose template is not in the dump, in any language: its values in call order, the
 * first that is not an address linked to the first address.
 */
function genericCitation(call: UnexpandedCall): string {
  const values = [...call.named.values(), ...call.positional].filter(
    (value) => value !== '' && !FILE_VALUE.test(value),
  );
  const url = values.find((value) => /^(https?:)?\/\//i.test(value));
  const texts = values.filter((value) => value !== url && !/^(https?:)?\/\//i.test(value));
  if (url && texts.length > 0) texts[0] = `[${url} ${texts[0]}]`;
  else if (url) texts.unshift(url);
  return texts.join('. ');
}

const LANGUAGE_CODE = /^([a-z]{2,3}(-[a-z0-9]{2,8})*|default)$/;

/**
 * A call whose arguments are one text in several languages (`|en=… |fr=… |de=…`, as Commons'
 * LangSwitch): the text in the wiki's language, else English, else the default.
 */
function languageSwitch(call: UnexpandedCall, language: string): string | undefined {
  const keys = [...call.named.keys()];
  const languages = keys.filter((key) => LANGUAGE_CODE.test(key)).length;
  // A switch may also take options (`lang=`, `nocat=`) and wiki codes that are not languages (`simple`).
  if (languages < 2 || languages < keys.length * 0.8) return undefined;
  return [language, 'en', 'default']
    .map((key) => call.named.get(key))
    .find((value) => value !== undefined && value !== '');
}

/** How a call that cannot be expanded is shown: by hand, as a table where it stands alone, or not at all. */
export function renderUnexpanded(
  unexpanded: UnexpandedCall,
  place: CallPlace,
  state: RenderState,
  inline: InlineRenderer,
  page: Pick<PageContext, 'language' | 'wiki'>,
): { text: string; how: 'hand' | 'table' | 'dropped' } {
  const call = callOf(unexpanded, state.links.namespaces);
  const hand =
    (page.wiki.endsWith('wiktionary') ? wiktionaryRendering(unexpanded, state.links.title) : undefined) ??
    handRendering(call, state, inline);
  if (hand !== undefined) return { text: hand, how: 'hand' };
  const language = page.language;
  if (place === 'nested') return { text: '', how: 'dropped' };
  const named = [...unexpanded.named.values()].filter((value) => value !== '').length;
  const translated = languageSwitch(unexpanded, language);
  if (translated !== undefined) return { text: translated, how: 'hand' };
  // A citation in the wiki's own language: a URL, a title, a work… in its footnote.
  if (place === 'footnote' && named >= 2) return { text: genericCitation(unexpanded), how: 'hand' };
  const infobox = /^(infobox|taxobox|speciesbox|automatic taxobox|chembox|drugbox)\b/.test(call.name);
  // An infobox, whatever the wiki calls it: alone on its lines, an argument a line (or many).
  const boxLike = place === 'block' && named >= 2 && (unexpanded.multiline || named >= 5);
  if (boxLike || (infobox && named >= 1)) {
    const table = parametersTable(call, state, inline);
    if (table !== '') return { text: table, how: 'table' };
  }
  return { text: '', how: 'dropped' };
}
