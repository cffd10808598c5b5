import type { EntryReads } from '../../src/bundle/reader.js';
import { matchShards } from '../../src/search/match.js';
import { parseQuery } from '../../src/search/parse.js';
import { rankMatches } from '../../src/search/rank.js';
import { queryLanguage } from '../../src/search/pipelines.js';
import { ShardBuilder, type FinishedShard, type MadeShard } from '../../src/search/shard-builder.js';
import { ShardReader } from '../../src/search/shard-reader.js';
import type { SearchStats } from '../../src/search/search-stats.js';

export interface TestDocument {
  path: string;
  title: string;
  headings?: string;
  text: string;
  prior?: number;
}

/** Reads from a buffer, counting the bytes asked for. */
export function memoryReads(bytes: Buffer): EntryReads & { bytesRead: number } {
  const reads = {
    size: bytes.length,
    label: 'test shard',
    bytesRead: 0,
    read: async (offset: number, length: number) => {
      reads.bytesRead += length;
      if (offset < 0 || offset + length > bytes.length) throw new Error('read outside the shard');
      return bytes.subarray(offset, offset + length);
    },
  };
  return reads;
}

/** Shards as pack builds them, with the statistics of them all. */
export function buildShards(
  documents: TestDocument[],
  language = 'eng',
  targetText?: number,
): { shards: MadeShard[]; stats: SearchStats } {
  const builder = new ShardBuilder(language, targetText);
  const finished: FinishedShard[] = [];
  for (const document of documents) finished.push(...builder.add({ headings: '', ...document }));
  const { last, stats } = builder.finish();
  finished.push(...last);
  // Without a base edition every shard is made.
  const shards = finished.filter((shard): shard is MadeShard => 'bytes' in shard);
  return { shards, stats };
}

/** Builds one shard the way pack does, reads it back, and returns the paths a query finds, best first, as the searcher ranks them. */
export async function searchShard(documents: TestDocument[], query: string, language = 'eng'): Promise<string[]> {
  const { shards, stats } = buildShards(documents, language, Number.MAX_SAFE_INTEGER);
  const shard = await ShardReader.open(memoryReads(shards[0]!.bytes));
  const parsed = parseQuery(
    query,
    language.split(',').map((code, _, all) => queryLanguage(code, all[0])),
  );
  if (parsed.clauses.length === 0) return [];
  const corpus = {
    documents: stats.documents,
    averages: stats.fieldLengths.map((total) => total / stats.documents),
    languagePages: stats.languagePages,
  };
  const [matches] = await matchShards([shard], parsed, corpus);
  rankMatches([shard], [matches!], parsed);
  return Array.from(matches!.docs, (doc, at) => ({ doc, score: matches!.scores[at]! }))
    .sort((a, b) => b.score - a.score || a.doc - b.doc)
    .map((match) => documents[match.doc]!.path);
}
