import type { MetadataInput } from '../../pack/metadata.js';
import type { SiteInfo } from './dump-reader.js';
import { cleanTitle } from './titles.js';

/** ISO 639-1 codes (as wiki subdomains have them) to ISO 639-3 (as bundles do). */
const ISO_639_3: Record<string, string> = {
  ar: 'ara',
  bg: 'bul',
  bn: 'ben',
  ca: 'cat',
  cs: 'ces',
  cy: 'cym',
  da: 'dan',
  de: 'deu',
  el: 'ell',
  en: 'eng',
  eo: 'epo',
  es: 'spa',
  et: 'est',
  eu: 'eus',
  fa: 'fas',
  fi: 'fin',
  fr: 'fra',
  ga: 'gle',
  gl: 'glg',
  he: 'heb',
  hi: 'hin',
  hr: 'hrv',
  hu: 'hun',
  hy: 'hye',
  id: 'ind',
  is: 'isl',
  it: 'ita',
  ja: 'jpn',
  ka: 'kat',
  ko: 'kor',
  la: 'lat',
  lt: 'lit',
  lv: 'lav',
  mk: 'mkd',
  ms: 'msa',
  nl: 'nld',
  nn: 'nno',
  no: 'nob',
  pl: 'pol',
  pt: 'por',
  ro: 'ron',
  ru: 'rus',
  simple: 'eng',
  sk: 'slk',
  sl: 'slv',
  sq: 'sqi',
  sr: 'srp',
  sv: 'swe',
  sw: 'swa',
  ta: 'tam',
  th: 'tha',
  tr: 'tur',
  uk: 'ukr',
  ur: 'urd',
  vi: 'vie',
  zh: 'zho',
};

const WIKIMEDIA_HOST =
  /(^|\.)(wikipedia|wiktionary|wikibooks|wikivoyage|wikiquote|wikisource|wikiversity|wikinews)\.org$/;

function baseUrl(siteInfo: SiteInfo): URL | undefined {
  try {
    return new URL(siteInfo.base);
  } catch {
    return undefined;
  }
}

/** The wiki's language code as the dump's xml:lang, its address or its database name gives it. */
export function wikiLanguage(siteInfo: SiteInfo): string | undefined {
  const declared = siteInfo.language.split('-')[0]!;
  if (declared in ISO_639_3) return declared;
  const host = baseUrl(siteInfo)?.hostname.split('.')[0];
  if (host && host in ISO_639_3) return host;
  const prefix = /^([a-z]{2,3}|simple)(?:wiki|wiktionary|wikibooks|wikivoyage|wikiquote|wikisource)/.exec(
    siteInfo.dbName,
  )?.[1];
  return prefix && prefix in ISO_639_3 ? prefix : undefined;
}

/** The main page's title, from the last part of <base> (…/wiki/Main_Page). */
export function mainPageTitle(siteInfo: SiteInfo): string | undefined {
  const url = baseUrl(siteInfo);
  if (!url) return undefined;
  const last = url.searchParams.get('title') ?? url.pathname.split('/').pop() ?? '';
  try {
    return cleanTitle(decodeURIComponent(last)) || undefined;
  } catch {
    return undefined;
  }
}

/** What <siteinfo> says, as metadata the person's own flags override. */
export function siteMetadata(siteInfo: SiteInfo): MetadataInput {
  const language = wikiLanguage(siteInfo);
  const url = baseUrl(siteInfo);
  const wikimedia = url !== undefined && WIKIMEDIA_HOST.test(url.hostname);
  return {
    title: siteInfo.siteName || undefined,
    name: /^[a-z0-9_]+$/.test(siteInfo.dbName) ? siteInfo.dbName : undefined,
    language: language ? ISO_639_3[language] : undefined,
    source: url?.origin,
    creator: siteInfo.siteName || undefined,
    license: wikimedia ? 'CC BY-SA 4.0' : undefined,
    description: siteInfo.siteName ? `${siteInfo.siteName}, from a MediaWiki dump` : undefined,
  };
}

export { ISO_639_3 };
