import lunr from 'lunr';
import { identifierParts, useDocumentationTokens } from './identifiers.js';
import { languagePlugin } from './language.js';
import { unicodeTrimmer, unspacedBigrams, unspacedNgrams } from './scripts.js';

useDocumentationTokens();

export const DOCS_PER_SHARD = 1000;
/** Text per shard: lunr's memory grows with it, so big pages make smaller shards. */
export const TEXT_PER_SHARD = 2_000_000;
export const TITLE_BOOST = 10;
export const HEADINGS_BOOST = 3;

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

/** The steps a query word goes through to become the terms it looks up (FORMAT.md §5). */
export function searchPipeline(language: string): lunr.Pipeline {
  return createBuilder(language).searchPipeline;
}

/** Both pipelines a query needs, from one builder: the search steps, and the index's to drop what it drops. */
export function queryPipelines(language: string): { search: lunr.Pipeline; index: lunr.Pipeline } {
  const builder = createBuilder(language);
  return { search: builder.searchPipeline, index: builder.pipeline };
}
