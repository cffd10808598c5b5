import lunr from 'lunr';

/** ISO 639-3 codes to the lunr-languages modules that need no native dependency. */
export const LUNR_LANGUAGES: Record<string, string> = {
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
/** A lunr-languages module (`lunr.fr.js`, `lunr.stemmer.support.js`): registers itself on lunr. */
export type LanguageModule = (lunr: unknown) => void;

/**
 * The lunr plugin for a bundle's main language, null for lunr's built-in English pipeline: the
 * modules come from `load`, which Node (require) and the standalone reader (imports) supply.
 */
export function languagePlugins(load: (file: string) => LanguageModule | undefined) {
  const loaded = new Map<string, LunrPlugin | null>();
  return (language: string): LunrPlugin | null => {
    const main = language.split(',')[0] ?? 'eng';
    if (loaded.has(main)) return loaded.get(main)!;
    const code = LUNR_LANGUAGES[main];
    const module = code ? load(`lunr.${code}.js`) : undefined;
    let plugin: LunrPlugin | null = null;
    if (code && module) {
      load('lunr.stemmer.support.js')!(lunr);
      module(lunr);
      plugin = (lunr as unknown as Record<string, LunrPlugin>)[code] ?? null;
    }
    loaded.set(main, plugin);
    return plugin;
  };
}
