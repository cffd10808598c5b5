import { shardName } from '../bundle/names.js';
import { FerryError } from '../errors.js';
import type { Manifest } from '../bundle/manifest.js';
import type { Corpus } from './match.js';
import { queryLanguage, type QueryLanguage } from './pipelines.js';
import type { SearchableBundle } from './searcher.js';
import { decodeSearchStats, fieldAverages, SEARCH_STATS_NAME, shardIdName } from './search-stats.js';

/** The format version the bundle's search index was written in (FORMAT.md §3): a converted bundle's may be older. */
export function searchVersion(manifest: Pick<Manifest, 'version' | 'search'>): number {
  return manifest.search.version ?? manifest.version;
}

/** The version from which shards are listed in `search/shards` and named by their first page. */
const LISTED_SHARDS_VERSION = 3;

/**
 * The languages a query is read in. From version 3 the pages of a bundle are each analysed in
 * their own language and `search.language` lists them all, main first; before, the first only
 * built the whole index.
 */
export function queryLanguages(manifest: Pick<Manifest, 'search' | 'version'>): QueryLanguage[] {
  const listed = manifest.search.language.split(',').filter((code) => code !== '');
  const used = searchVersion(manifest) < LISTED_SHARDS_VERSION ? listed.slice(0, 1) : listed;
  const languages = used.length > 0 ? used : ['eng'];
  return languages.map((code) => queryLanguage(code, languages[0]));
}

export interface ShardList {
  names: string[];
  /** Each shard's dead pages (dead-pages.ts), when it has any. */
  dead: (ReadonlySet<number> | undefined)[];
  corpus: Corpus;
}

/** A bundle's search shards and what scores need of the whole bundle (FORMAT.md §5). */
export async function listShards(bundle: SearchableBundle): Promise<ShardList> {
  const { search } = bundle.manifest;
  if (searchVersion(bundle.manifest) < LISTED_SHARDS_VERSION) {
    // Older shards are numbered and hold finished weights: no statistics are needed.
    const names = Array.from({ length: search.shards }, (_, number) => shardName(number));
    return {
      names,
      dead: [],
      corpus: { documents: search.documents, averages: [1, 1, 1], languagePages: new Map() },
    };
  }
  if (search.shards === 0)
    return { names: [], dead: [], corpus: { documents: 0, averages: [1, 1, 1], languagePages: new Map() } };
  const record = await bundle.resolve(SEARCH_STATS_NAME);
  if (!record) throw new FerryError('BUNDLE_CORRUPT', `${bundle.label}: ${SEARCH_STATS_NAME} is missing.`);
  const stats = decodeSearchStats(await bundle.read(record), bundle.label);
  const documents = stats.documents;
  return {
    names: stats.shards.map((shard) => shardIdName(shard.id)),
    dead: stats.shards.map((shard) => (shard.dead.length > 0 ? new Set(shard.dead) : undefined)),
    corpus: {
      documents,
      averages: fieldAverages(stats),
      languagePages: stats.languagePages,
    },
  };
}
