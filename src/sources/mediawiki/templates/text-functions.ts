import { anchorOf } from '../titles.js';

/** `{{urlencode:}}` modes: QUERY as PHP's urlencode (spaces +), PATH as rawurlencode, WIKI as page URLs. */
export function urlEncode(text: string, mode: string): string {
  if (mode === 'WIKI') {
    return encodeURIComponent(text.replace(/ /g, '_')).replace(/%(3A|2F|3B|40|24|21|2A|28|29|2C)/gi, (_, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
  }
  const encoded = encodeURIComponent(text).replace(
    /[!'()*~]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return mode === 'PATH' ? encoded : encoded.replace(/%20/g, '+').replace(/%7E/g, '~');
}

/** `{{anchorencode:}}`: the id a heading of this text gets. */
export function anchorEncode(text: string): string {
  return anchorOf(text.replace(/\[\[(?:[^|\]]*\|)?([^\]]*)\]\]/g, '$1').replace(/'''?/g, ''));
}

const separatorsCache = new Map<string, { group: string; decimal: string }>();

function separators(language: string): { group: string; decimal: string } {
  let known = separatorsCache.get(language);
  if (!known) {
    let parts: Intl.NumberFormatPart[];
    try {
      parts = new Intl.NumberFormat(language).formatToParts(1234567.5);
    } catch {
      parts = new Intl.NumberFormat('en').formatToParts(1234567.5);
    }
    known = {
      group: parts.find((part) => part.type === 'group')?.value ?? ',',
      decimal: parts.find((part) => part.type === 'decimal')?.value ?? '.',
    };
    separatorsCache.set(language, known);
  }
  return known;
}

/** `{{formatnum:1234567.5}}` in the wiki's language; `|R` reads such a number back; `|NOSEP` keeps no groups. */
export function formatNumber(text: string, option: string, language: string): string {
  const { group, decimal } = separators(language);
  if (option.toUpperCase() === 'R') {
    return text.split(group).join('').replace(decimal, '.');
  }
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text.trim());
  if (!match) return text;
  const grouped =
    option.toUpperCase() === 'NOSEP'
      ? match[2]!
      : match[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, group.replace(/\s/, '\u00a0'));
  return `${match[1]}${grouped}${match[3] ? decimal + match[3].slice(1) : ''}`;
}

/** `{{padleft:text|length|with}}`: padded to `length` characters (at most 500) with `with`, repeated. */
export function pad(
  text: string,
  lengthText: string | undefined,
  padding: string | undefined,
  side: 'left' | 'right',
): string {
  const length = Math.min(500, Number.parseInt(lengthText ?? '0', 10) || 0);
  const filler = padding === undefined || padding === '' ? '0' : padding;
  const characters = [...text];
  if (characters.length >= length) return text;
  const fill = [...filler.repeat(Math.ceil((length - characters.length) / [...filler].length))]
    .slice(0, length - characters.length)
    .join('');
  return side === 'left' ? fill + text : text + fill;
}

const CATEGORY_ORDER = ['one', 'two', 'few', 'many', 'other'];

/** `{{plural:n|one|other}}` by the language's plural rules, forms in CLDR's order. */
export function pluralForm(countText: string, forms: string[], language: string): string {
  if (forms.length === 0) return '';
  const count = Number(countText.replace(/[^\d.-]/g, ''));
  let rules: Intl.PluralRules;
  try {
    rules = new Intl.PluralRules(language);
  } catch {
    rules = new Intl.PluralRules('en');
  }
  const used = CATEGORY_ORDER.filter((category) =>
    rules.resolvedOptions().pluralCategories.includes(category as Intl.LDMLPluralRule),
  );
  const index = used.indexOf(rules.select(Number.isFinite(count) ? count : 0));
  return forms[Math.min(Math.max(index, 0), forms.length - 1)]!;
}
