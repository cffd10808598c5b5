import { createRequire } from 'node:module';
import { languagePlugins, type LanguageModule } from './language-plugins.js';

const require = createRequire(import.meta.url);

/** The lunr plugin for a bundle's main language; null means lunr's built-in English pipeline. */
// The standalone reader's build puts viewer/reader/language.ts in place of this file, with the same API.
export const languagePlugin = languagePlugins((file) => require(`lunr-languages/${file}`) as LanguageModule);
