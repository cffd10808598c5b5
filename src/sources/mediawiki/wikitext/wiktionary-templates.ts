import type { UnexpandedCall } from '../templates/expand.js';

/**
 * English Wiktionary's most used templates, rendered by hand when a dump lacks them (its
 * published excerpts do) or they run Lua (most do): translations, links, labels, etymologies,
 * usage examples, pronunciations, headword lines. They make up some 90% of an entry's calls;
 * without them a definition list shows empty bullets. The output is wikitext.
 */

const names = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' });
  } catch {
    return undefined;
  }
})();

/** Language families whose proto-languages etymologies cite most (`gem-pro` Proto-Germanic). */
const FAMILIES: Record<string, string> = {
  gem: 'Germanic',
  gmw: 'West Germanic',
  gmq: 'North Germanic',
  ine: 'Indo-European',
  itc: 'Italic',
  sla: 'Slavic',
  cel: 'Celtic',
  bat: 'Baltic',
  grk: 'Hellenic',
  iir: 'Indo-Iranian',
  ira: 'Iranian',
  inc: 'Indo-Aryan',
  urj: 'Uralic',
  sem: 'Semitic',
  trk: 'Turkic',
};

/** An English name for a Wiktionary language code (`la` Latin, `enm` Middle English), else the code. */
function languageName(code: string): string {
  const proto = /^([a-z]{3})-pro$/.exec(code);
  if (proto) return `Proto-${FAMILIES[proto[1]!] ?? proto[1]}`;
  // Wiktionary's own codes such as `la-lat` read to ICU as a language and an extended one: not asked.
  if (!/^[a-z]{2,3}(-[a-z]{2,8})*$/i.test(code) || /^[a-z]{2,3}-[a-z]{3}$/.test(code)) return code;
  try {
    const name = names?.of(code);
    return name && name !== code ? name : code;
  } catch {
    return code;
  }
}

const link = (term: string, alt?: string) =>
  term === '' || term === '-' ? (alt ?? '') : alt ? `[[${term}|${alt}]]` : `[[${term}]]`;
const gloss = (text: string | undefined) => (text ? ` (“${text}”)` : '');
const GENDER = /^([mfnc](-[sp])?|[pds]|m-p|f-p|n-p)$/;
const HEADWORD =
  /^[a-z]{2,3}(-[a-z]+)?-(noun|verb|adj|adv|pron|prep|conj|intj|proper noun|prop|num|det|particle|letter|phrase|suffix|prefix|root|pos)\b/;

type Rendering = (call: UnexpandedCall, title: string) => string;

/** Positional arguments; empty ones kept, as Wiktionary's templates take places, not names. */
const arg = (call: UnexpandedCall, index: number) => call.positional[index] ?? '';

const translation: Rendering = (call) => {
  const gender = call.positional.slice(2).filter((value) => GENDER.test(value));
  return `${link(arg(call, 1), call.named.get('alt'))}${gender.length > 0 ? ` ''${gender.join(' ')}''` : ''}`;
};
const origin: Rendering = (call) => {
  const term = arg(call, 2);
  const shown = term === '' || term === '-' ? '' : ` ''${link(term, arg(call, 3) || undefined)}''`;
  return `${languageName(arg(call, 1))}${shown}${gloss(arg(call, 4) || call.named.get('t'))}`;
};
const parenthesised: Rendering = (call) => {
  const items = call.positional.filter((value) => value !== '' && value !== '_');
  return items.length > 0 ? `(''${items.join(', ')}'')` : '';
};
const labels: Rendering = (call) => parenthesised({ ...call, positional: call.positional.slice(1) }, '');

/** `#* {{quote-book|year=…|author=…|title=…|passage=…}}`: the source, then the passage. */
const quotation: Rendering = (call) => {
  const field = (...keys: string[]) => keys.map((key) => call.named.get(key)).find((value) => value);
  const source = [
    field('year', 'date') && `'''${field('year', 'date')}'''`,
    field('author', 'last'),
    field('title') && `''${field('title')}''`,
  ];
  const passage = field('passage', 'text');
  return `${source.filter(Boolean).join(', ')}${passage ? `: “${passage}”` : ''}`;
};

/** `{{suffix|en|connote|ation}}`, `{{compound|…}}`: the parts of a word, linked, with a plus between. */
const wordParts: Rendering = (call) =>
  call.positional
    .slice(call.named.has('lang') ? 0 : 1)
    .filter(Boolean)
    .map((part) => link(part))
    .join(' + ');

const RENDERINGS: Record<string, Rendering> = {
  t: translation,
  't+': translation,
  tt: translation,
  'tt+': translation,
  't-simple': translation,
  't-check': translation,
  't+check': translation,
  l: (call) =>
    `${link(arg(call, 1), arg(call, 2) || call.named.get('alt'))}${gloss(arg(call, 3) || call.named.get('t'))}`,
  'l-self': (call) => arg(call, 2) || arg(call, 1),
  m: (call) =>
    `''${link(arg(call, 1), arg(call, 2) || call.named.get('alt'))}''${gloss(arg(call, 3) || call.named.get('t'))}`,
  lb: labels,
  lbl: labels,
  label: labels,
  a: parenthesised,
  accent: parenthesised,
  qualifier: parenthesised,
  qual: parenthesised,
  q: parenthesised,
  i: parenthesised,
  gloss: (call) => `(${arg(call, 0)})`,
  gl: (call) => `(${arg(call, 0)})`,
  sense: (call) => `(''${arg(call, 0)}''):`,
  s: (call) => `(''${arg(call, 0)}''):`,
  defdate: (call) => `(${arg(call, 0)})`,
  IPA: (call) => {
    const sounds = call.positional.filter((value) => /^[/[]/.test(value));
    return sounds.length > 0 ? `IPA: ${sounds.join(', ')}` : '';
  },
  IPAchar: (call) => arg(call, 0),
  rhymes: (call) => {
    const rhyme = call.named.has('lang') ? arg(call, 0) : arg(call, 1);
    return rhyme ? `Rhymes: -${rhyme}` : '';
  },
  head: (_call, title) => `'''${title}'''`,
  inh: origin,
  der: origin,
  bor: origin,
  lbor: origin,
  slbor: origin,
  calque: origin,
  'inh+': origin,
  'der+': origin,
  'bor+': origin,
  cog: (call) => origin({ ...call, positional: ['', ...call.positional] }, ''),
  noncog: (call) => origin({ ...call, positional: ['', ...call.positional] }, ''),
  etyl: (call) => languageName(arg(call, 0)),
  desc: (call) => `${languageName(arg(call, 0))}: ${link(arg(call, 1))}`,
  ux: (call) => `''${arg(call, 1)}''${arg(call, 2) ? ` ― ${arg(call, 2)}` : ''}`,
  usex: (call) => `''${arg(call, 1)}''${arg(call, 2) ? ` ― ${arg(call, 2)}` : ''}`,
  w: (call) => arg(call, 1) || arg(call, 0),
  'trans-top': (call) => (arg(call, 0) ? `'''${arg(call, 0)}'''` : ''),
  'checktrans-top': () => "'''Translations to be checked'''",
  also: (call) =>
    `''See also:'' ${call.positional
      .filter(Boolean)
      .map((term) => link(term))
      .join(', ')}`,
  '...': () => '[…]',
  'quote-book': quotation,
  'quote-journal': quotation,
  'quote-web': quotation,
  'quote-news': quotation,
  'quote-text': quotation,
  'inflection of': (call) => {
    const term = call.named.has('lang') ? arg(call, 0) : arg(call, 1);
    return term ? `inflection of ''${link(term)}''` : '';
  },
  suffix: wordParts,
  prefix: wordParts,
  affix: wordParts,
  compound: wordParts,
};
RENDERINGS.link = RENDERINGS.l!;
RENDERINGS.mention = RENDERINGS.m!;

/** The rendering of an English Wiktionary template by its name, or undefined. */
export function wiktionaryRendering(call: UnexpandedCall, title: string): string | undefined {
  const name = call.name.trim();
  const rendering = RENDERINGS[name] ?? RENDERINGS[name.toLowerCase()];
  if (rendering) return rendering(call, title);
  if (HEADWORD.test(name)) return `'''${title}'''`;
  return undefined;
}
