import lunr from 'lunr';
import { languagePlugin } from './language.js';

/** One search shard as stored in `search/shard-NNNN.json` (FORMAT.md §5). */
export interface ShardFile {
  docs: [path: string, title: string][];
  index: object;
}

export const DOCS_PER_SHARD = 1000;
/** Text per shard: lunr's memory grows with it, so big pages make smaller shards. */
export const TEXT_PER_SHARD = 2_000_000;
export const TITLE_BOOST = 10;

export function shardName(number: number): string {
  return `search/shard-${String(number).padStart(4, '0')}.json`;
}

/** Sets the stemmer and stop words for the language; a language lunr cannot stem is matched word for word. */
export function useLanguage(builder: lunr.Builder, language: string): void {
  const plugin = languagePlugin(language);
  if (plugin) {
    builder.use(plugin);
  } else if (!language.startsWith('eng')) {
    builder.pipeline.reset();
    builder.searchPipeline.reset();
    builder.pipeline.add(lunr.trimmer);
  }
}

/** Loads a stored shard; the language's pipeline functions must be registered first. */
export function loadShard(file: ShardFile, language: string): lunr.Index {
  languagePlugin(language);
  return lunr.Index.load(file.index);
}
