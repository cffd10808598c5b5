import lunr from 'lunr';
import { identifierParts, useDocumentationTokens } from './identifiers.js';
import { languagePlugin } from './language.js';
import { unicodeTrimmer, unspacedBigrams, unspacedNgrams } from './scripts.js';

useDocumentationTokens();

/** Sets the stemmer and stop words for the language; a language lunr cannot stem is matched word for word. */
function useLanguage(builder: lunr.Builder, language: string): void {
  const plugin = languagePlugin(language);
  if (plugin) {
    builder.use(plugin);
  } else if (language.startsWith('eng')) {
    builder.pipeline.before(lunr.trimmer, unicodeTrimmer);
    builder.pipeline.remove(lunr.trimmer);
  } else {
    builder.pipeline.reset();
    builder.searchPipeline.reset();
    builder.pipeline.add(unicodeTrimmer);
  }
  // After trimming, before stop words and stemming, at index and query time: unspaced scripts
  // become bigrams, then identifiers are split into their parts.
  insertAt(builder.pipeline, 1, identifierParts);
  insertAt(builder.pipeline, 1, unspacedNgrams);
  insertAt(builder.searchPipeline, 0, identifierParts);
  insertAt(builder.searchPipeline, 0, unspacedBigrams);
}

/** lunr's Pipeline offers add/before/after by neighbour only; its step list is `_stack`. */
function insertAt(pipeline: lunr.Pipeline, position: number, step: lunr.PipelineFunction): void {
  const stack = (pipeline as unknown as { _stack: lunr.PipelineFunction[] })._stack;
  const neighbour = stack[position];
  if (neighbour) pipeline.before(neighbour, step);
  else pipeline.add(step);
}

/** A lunr builder set up as lunr() sets one up, then for the language. */
export function createBuilder(language: string): lunr.Builder {
  const builder = new lunr.Builder();
  builder.pipeline.add(lunr.trimmer, lunr.stopWordFilter, lunr.stemmer);
  builder.searchPipeline.add(lunr.stemmer);
  useLanguage(builder, language);
  return builder;
}

/**
 * What a page's terms start with in a bundle whose main language is `main`: nothing for a page in
 * the main language, `deu:` for one in German (FORMAT.md §5.1). A word matches pages of the
 * language it was read in, not another language's word that stems alike.
 */
export function termPrefix(language: string, main: string): string {
  return language === main ? '' : `${language}:`;
}

/** How a query is read in one language of a bundle (parse.ts). */
export interface QueryLanguage {
  search: lunr.Pipeline;
  /** The index's pipeline, to drop what indexing dropped. */
  index: lunr.Pipeline;
  prefix: string;
}

/** Both pipelines a query needs in `language`, from one builder, and the prefix of its terms. */
export function queryLanguage(language: string, main = language): QueryLanguage {
  const builder = createBuilder(language);
  return { search: builder.searchPipeline, index: builder.pipeline, prefix: termPrefix(language, main) };
}
