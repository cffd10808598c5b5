import { matchShard, parseQuery, type ShardMatches } from '../../src/search/query.js';
import { queryPipelines } from '../../src/search/shard.js';
import { ShardBuilder } from '../../src/search/shard-builder.js';
import { ShardReader } from '../../src/search/shard-reader.js';

export interface TestDocument {
  path: string;
  title: string;
  headings?: string;
  text: string;
}

/** Builds one shard the way pack does, reads it back, and returns the paths a query finds, best first, as the searcher ranks them. */
export async function searchShard(documents: TestDocument[], query: string, language = 'eng'): Promise<string[]> {
  const builder = new ShardBuilder(language);
  for (const document of documents) builder.add({ headings: '', ...document });
  const bytes = builder.finish()!;
  const shard = await ShardReader.open({
    size: bytes.length,
    label: 'test shard',
    read: async (offset, length) => bytes.subarray(offset, offset + length),
  });
  // As the searcher asks: stop words dropped as indexing dropped them, every word optional.
  const pipelines = queryPipelines(language);
  const parsed = parseQuery(query, pipelines.search, pipelines.index);
  return ranked(await matchShard(shard, parsed, false)).map((match) => documents[match.doc]!.path);
}

/** A shard's matches best first. */
export function ranked(matches: ShardMatches): { doc: number; score: number }[] {
  return matches.docs
    .map((doc, at) => ({ doc, score: matches.scores[at]! }))
    .sort((a, b) => b.score - a.score || a.doc - b.doc);
}
