import { escapeHtml } from '../../../search/snippet.js';
import { indexOutsideLinks } from './outside-links.js';
import { REFERENCES_MARK, type RenderState } from './state.js';

/** A template call: its name and arguments, positional ones under "1", "2", … */
export interface TemplateCall {
  name: string;
  args: Map<string, string>;
  positional: string[];
}

/** Renders a fragment of wikitext to inline HTML (links, bold, …): given by the caller to avoid a cycle. */
export type InlineRenderer = (text: string, state: RenderState) => string;

/** Splits at `|` outside [[links]] (whose labels have pipes of their own). */
function splitArguments(body: string): string[] {
  const parts: string[] = [];
  let start = 0;
  const isBar = (index: number) => body[index] === '|';
  for (let bar = indexOutsideLinks(body, isBar); bar >= 0; bar = indexOutsideLinks(body, isBar, start)) {
    parts.push(body.slice(start, bar));
    start = bar + 1;
  }
  parts.push(body.slice(start));
  return parts;
}

export function parseCall(body: string): TemplateCall {
  const [rawName = '', ...rest] = splitArguments(body);
  const args = new Map<string, string>();
  const positional: string[] = [];
  for (const part of rest) {
    const equals = part.indexOf('=');
    const key = equals > 0 ? part.slice(0, equals).trim() : '';
    if (equals > 0 && /^[^[\]<>]+$/.test(key)) {
      args.set(key.toLowerCase(), part.slice(equals + 1).trim());
    } else {
      positional.push(part.trim());
      args.set(String(positional.length), part.trim());
    }
  }
  return { name: rawName.replace(/_/g, ' ').trim().replace(/\s+/g, ' ').toLowerCase(), args, positional };
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

function infobox(call: TemplateCall, state: RenderState, inline: InlineRenderer): string {
  const heading = first(call, 'name', 'title', 'official_name', 'conventional_long_name') ?? state.links.title;
  const rows: string[] = [];
  for (const [key, value] of call.args) {
    if (/^\d+$/.test(key) || value === '' || IMAGE_KEY.test(key) || key === 'name' || key === 'title') continue;
    const label = key.replace(/_/g, ' ').replace(/^./, (letter) => letter.toUpperCase());
    rows.push(`<tr><th scope="row">${escapeHtml(label)}</th><td>${inline(value, state)}</td></tr>`);
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

/** What a template becomes offline: a few are rendered, the rest dropped without a trace. */
function expandCall(body: string, state: RenderState, inline: InlineRenderer): string {
  const call = parseCall(body);
  const { name, positional } = call;
  if (name.startsWith('#')) return '';
  if (/^(pagename|fullpagename|pagenamee)$/.test(name)) return state.links.title;
  if (name.includes(':')) return ''; // magic words and parser functions: DISPLAYTITLE:, DEFAULTSORT:, #if:
  if (name in LITERAL) return LITERAL[name]!;
  if (PASS_FIRST.has(name)) return positional[0] ?? '';
  if (PASS_SECOND.has(name)) return positional[1] ?? positional[0] ?? '';
  if (name.startsWith('lang-')) return positional[0] ?? '';
  if (/^(reflist|references|notelist|notes)$/.test(name)) return `\n${REFERENCES_MARK}\n`;
  if (name.startsWith('cite ') || name === 'citation' || name === 'cite') return citation(call);
  if (name === 'sfn' || name === 'harvnb' || name === 'sfnp') {
    const text = [positional.slice(0, -1).join(' '), positional.at(-1)].filter(Boolean).join(' ');
    const page = first(call, 'p', 'pp', 'page', 'pages');
    return name === 'harvnb' ? text : state.refMark(page ? `${text}, p. ${page}` : text, `sfn-${body}`);
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
  if (/^(infobox|taxobox|speciesbox|automatic taxobox|chembox|drugbox)\b/.test(name)) {
    return infobox(call, state, inline);
  }
  return '';
}

/**
 * Expands every {{template}}, innermost first, so that an argument is already expanded when its
 * template sees it. {{{parameters}}} show their default; an unclosed {{ is dropped, never shown.
 */
export function expandTemplates(text: string, state: RenderState, inline: InlineRenderer): string {
  const stack: { kind: 'template' | 'parameter'; text: string }[] = [];
  let out = '';
  const append = (piece: string) => {
    if (stack.length > 0) stack[stack.length - 1]!.text += piece;
    else out += piece;
  };
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf('{{', index);
    const close = text.indexOf('}}', index);
    if (open < 0 && close < 0) break;
    if (open >= 0 && (close < 0 || open < close)) {
      append(text.slice(index, open));
      const parameter = text.startsWith('{{{', open) && !text.startsWith('{{{{', open);
      stack.push({ kind: parameter ? 'parameter' : 'template', text: '' });
      index = open + (parameter ? 3 : 2);
      continue;
    }
    append(text.slice(index, close));
    const top = stack.pop();
    if (!top) {
      append('}}');
      index = close + 2;
    } else if (top.kind === 'parameter' && text.startsWith('}}}', close)) {
      const bar = top.text.indexOf('|');
      append(bar >= 0 ? top.text.slice(bar + 1) : '');
      index = close + 3;
    } else {
      append(expandCall(top.text, state, inline));
      index = close + 2;
    }
  }
  append(text.slice(index));
  // Unclosed openings: keep their text, drop the braces.
  while (stack.length > 0) {
    const top = stack.pop()!;
    append(top.text);
  }
  return out;
}
