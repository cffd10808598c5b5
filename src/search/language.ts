import { createRequire } from 'node:module';
import lunr from 'lunr';

const require = createRequire(import.meta.url);

/** ISO 639-3 codes to the lunr-languages modules that need no native dependency. */
const LUNR_LANGUAGES: Record<string, string> = {
  ara: 'ar',
  dan: 'da',
  deu: 'de',
  fin: 'fi',
  fra: 'fr',
  hun: 'hu',
  ita: 'it',
  nld: 'nl',
  nor: 'no',
  nob: 'no',
  por: 'pt',
  ron: 'ro',
  rus: 'ru',
  spa: 'es',
  swe: 'sv',
  tur: 'tr',
  vie: 'vi',
};

type LunrPlugin = lunr.Builder.Plugin;
const loaded = new Map<string, LunrPlugin | null>();

/** The lunr plugin for a bundle's main language; null means lunr's built-in English pipeline. */
export function languagePlugin(language: string): LunrPlugin | null {
  const main = language.split(',')[0] ?? 'eng';
  if (loaded.has(main)) return loaded.get(main)!;
  const code = LUNR_LANGUAGES[main];
  let plugin: LunrPlugin | null = null;
  if (code) {
    require('lunr-languages/lunr.stemmer.support.js')(lunr);
    require(`lunr-languages/lunr.${code}.js`)(lunr);
    plugin = (lunr as unknown as Record<string, LunrPlugin>)[code] ?? null;
  }
  loaded.set(main, plugin);
  return plugin;
}
