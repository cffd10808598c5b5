import { fullTitle, parseTitle, type Namespaces } from '../titles.js';
import type { PageContext, TemplateExpander } from './expand.js';
import { formatTime } from './time.js';
import { anchorEncode, formatNumber, pad, pluralForm, urlEncode } from './text-functions.js';

/** MediaWiki escapes what a page name could turn into markup (wfEscapeWikiText). */
function escapeWikiText(text: string): string {
  return text.replace(/[&<>"'[\]{}|=]/g, (char) => `&#${char.charCodeAt(0)};`);
}

interface TitleNames {
  full: string;
  namespace: number;
  name: string;
}

function titleNames(text: string, namespaces: Namespaces): TitleNames {
  const parsed = parseTitle(text, namespaces);
  return { full: fullTitle(parsed, namespaces), namespace: parsed.namespace, name: parsed.name };
}

/** Subpages exist outside the article namespace only, as on Wikipedia. */
const segments = (title: TitleNames) => (title.namespace === 0 ? [title.name] : title.name.split('/'));

/** The page-name words, each from a title. */
const PAGE_NAMES: Record<string, (title: TitleNames, namespaces: Namespaces) => string> = {
  FULLPAGENAME: (title) => title.full,
  PAGENAME: (title) => title.name,
  BASEPAGENAME: (title) => segments(title).slice(0, -1).join('/') || title.name,
  ROOTPAGENAME: (title) => segments(title)[0]!,
  SUBPAGENAME: (title) => segments(title).at(-1)!,
  NAMESPACE: (title, namespaces) => namespaces.names[title.namespace] ?? '',
  NAMESPACENUMBER: (title) => String(title.namespace),
  TALKPAGENAME: (title, namespaces) => {
    const talk = title.namespace % 2 === 0 ? title.namespace + 1 : title.namespace;
    return `${namespaces.names[talk] ?? 'Talk'}:${title.name}`;
  },
  SUBJECTPAGENAME: (title, namespaces) => {
    const subject = title.namespace % 2 === 1 ? title.namespace - 1 : title.namespace;
    return fullTitle({ namespace: subject, name: title.name, fragment: '' }, namespaces);
  },
  TALKSPACE: (title, namespaces) =>
    namespaces.names[title.namespace % 2 === 0 ? title.namespace + 1 : title.namespace] ?? '',
  SUBJECTSPACE: (title, namespaces) => namespaces.names[title.namespace - (title.namespace % 2)] ?? '',
};
PAGE_NAMES.ARTICLEPAGENAME = PAGE_NAMES.SUBJECTPAGENAME!;
PAGE_NAMES.ARTICLESPACE = PAGE_NAMES.SUBJECTSPACE!;

function pageName(word: string, titleText: string, namespaces: Namespaces): string | undefined {
  const encoded = word.endsWith('E') && PAGE_NAMES[word.slice(0, -1)] !== undefined;
  const make = PAGE_NAMES[encoded ? word.slice(0, -1) : word];
  if (!make) return undefined;
  const value = make(titleNames(titleText, namespaces), namespaces);
  return encoded ? urlEncode(value, 'WIKI') : escapeWikiText(value);
}

/** The date variables as #time formats, all of the dump's date (UTC, as Wikipedia's server time). */
const DATE_FORMATS: Record<string, string> = {
  YEAR: 'Y',
  MONTH: 'm',
  MONTH2: 'm',
  MONTH1: 'n',
  MONTHNAME: 'F',
  MONTHNAMEGEN: 'xg',
  MONTHABBREV: 'M',
  DAY: 'j',
  DAY2: 'd',
  DOW: 'w',
  DAYNAME: 'l',
  TIME: 'H:i',
  HOUR: 'H',
  WEEK: 'W',
  TIMESTAMP: 'YmdHis',
};

function dateVariable(word: string, page: PageContext): string | undefined {
  const format = DATE_FORMATS[word.replace(/^(CURRENT|LOCAL)/, '')];
  if (format === undefined || !/^(CURRENT|LOCAL)/.test(word)) return undefined;
  const value = formatTime(format, '', undefined, page);
  return format === 'W' ? String(Number(value)) : value; // MediaWiki gives the week unpadded
}

const CONSTANTS: Record<string, string> = {
  '!': '|',
  '=': '=',
  DIRMARK: '\u200e',
  DIRECTIONMARK: '\u200e',
  SCRIPTPATH: '/w',
  STYLEPATH: '/w/skins',
  REVISIONID: '',
  REVISIONUSER: '',
  PAGEID: '',
  NUMBEROFARTICLES: '0',
  NUMBEROFPAGES: '0',
  NUMBEROFFILES: '0',
  NUMBEROFUSERS: '0',
  NUMBEROFACTIVEUSERS: '0',
  NUMBEROFEDITS: '0',
  NUMBEROFADMINS: '0',
};

/**
 * A magic word without arguments ({{PAGENAME}}, {{CURRENTYEAR}}, {{!}}), or undefined when the
 * name is none, so the call is a template. They are case-sensitive, as in MediaWiki.
 */
export function pageVariable(name: string, expander: TemplateExpander): string | undefined {
  const constant = CONSTANTS[name];
  if (constant !== undefined) return constant;
  const page = expander.context;
  if (name === 'SITENAME') return page.siteName;
  if (name === 'CONTENTLANGUAGE' || name === 'CONTENTLANG') return page.language;
  if (name === 'SERVER') return page.server;
  if (name === 'SERVERNAME') return page.server.replace(/^\w*:?\/\//, '');
  const date = dateVariable(name, page);
  if (date !== undefined) return date;
  const named = pageName(name, page.title, page.namespaces);
  if (named !== undefined) expander.usesPage();
  return named;
}

type StringFunction = (first: string, args: string[], expander: TemplateExpander) => string;

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function pageUrl(expander: TemplateExpander, first: string, query: string | undefined, absolute: boolean): string {
  const { namespaces, server } = expander.context;
  const title = urlEncode(fullTitle(parseTitle(first, namespaces), namespaces), 'WIKI');
  const path = query ? `/w/index.php?title=${title}&${query}` : `/wiki/${title}`;
  return absolute ? server + path : path;
}

/** Functions that are magic words with a colon: `{{lc:…}}`, `{{PAGENAME:…}}`, `{{formatnum:…}}`. */
export const STRING_FUNCTIONS: Record<string, StringFunction> = {
  lc: (first) => first.toLowerCase(),
  uc: (first) => first.toUpperCase(),
  lcfirst: (first) => first.charAt(0).toLowerCase() + first.slice(1),
  ucfirst: upperFirst,
  urlencode: (first, [mode]) => urlEncode(first, (mode ?? 'QUERY').toUpperCase()),
  anchorencode: (first) => anchorEncode(first),
  localurl: (first, [query], expander) => pageUrl(expander, first, query, false),
  localurle: (first, [query], expander) => pageUrl(expander, first, query, false),
  fullurl: (first, [query], expander) => pageUrl(expander, first, query, true),
  fullurle: (first, [query], expander) => pageUrl(expander, first, query, true),
  canonicalurl: (first, [query], expander) => pageUrl(expander, first, query, true),
  filepath: () => '',
  ns: (first, _args, expander) => {
    const { namespaces } = expander.context;
    const number = /^-?\d+$/.test(first) ? Number(first) : namespaces.numbers[first.toLowerCase().replace(/_/g, ' ')];
    return number === undefined ? '' : (namespaces.names[number] ?? '');
  },
  nse: (first, args, expander) => STRING_FUNCTIONS.ns!(first, args, expander).replace(/ /g, '_'),
  formatnum: (first, [option], expander) => formatNumber(first, option ?? '', expander.context.language),
  padleft: (first, [length, with_]) => pad(first, length, with_, 'left'),
  padright: (first, [length, with_]) => pad(first, length, with_, 'right'),
  plural: (first, forms, expander) => pluralForm(first, forms, expander.context.language),
  grammar: (_first, [word]) => word ?? '',
  gender: (_first, forms) => forms[2] ?? forms[0] ?? '',
  int: (first, _args, expander) => (first.toLowerCase() === 'lang' ? expander.context.language : ''),
  displaytitle: () => '',
  defaultsort: () => '',
  defaultsortkey: () => '',
  defaultcategorysort: () => '',
  pagesincategory: () => '0',
  pagesize: () => '0',
  protectionlevel: () => '',
  protectionexpiry: () => '',
  numberingroup: () => '0',
  language: (first) => first,
};

for (const word of Object.keys(PAGE_NAMES)) {
  for (const form of [word, `${word}E`]) {
    STRING_FUNCTIONS[form] = (first, _args, expander) => {
      // An empty title ({{PAGENAME:{{{1|}}}}}) is the page's own: the call depends on the page.
      if (first === '') expander.usesPage();
      return pageName(form, first === '' ? expander.context.title : first, expander.context.namespaces) ?? '';
    };
  }
}
