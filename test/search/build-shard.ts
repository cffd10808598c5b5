import { ShardBuilder } from '../../src/search/shard-builder.js';
import { loadShard, type ShardFile } from '../../src/search/shard.js';

export interface TestDocument {
  path: string;
  title: string;
  headings?: string;
  text: string;
}

/** Builds one shard the way pack does, and returns the paths a query finds, best first. */
export function searchShard(documents: TestDocument[], query: string, language = 'eng'): string[] {
  const builder = new ShardBuilder(language);
  for (const document of documents) builder.add({ headings: '', ...document });
  const file = JSON.parse(builder.finish()!.toString()) as ShardFile;
  const index = loadShard(file, language);
  return index.search(query).map((result) => file.docs[Number(result.ref)]![0]);
}
