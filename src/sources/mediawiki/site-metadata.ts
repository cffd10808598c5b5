import type { MetadataInput } from '../../pack/metadata.js';
import type { SiteInfo } from './dump-reader.js';
import { cleanTitle } from './titles.js';
import { ISO_639_3 } from '../../languages.js';

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

export { ISO_639_3 } from '../../languages.js';
