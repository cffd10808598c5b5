/**
 * `node dist/bench/index-size.js <bundle.ferry>...`: how a bundle's bytes divide between pages,
 * the search index (shards and statistics) and title suggestions, from its path index.
 */
import { basename } from 'node:path';
import { EntryKind } from '../src/bundle/path-index.js';
import { Bundle } from '../src/bundle/reader.js';
import { statSync } from 'node:fs';

export interface IndexSize {
  bundle: number;
  search: number;
  shards: number;
  titles: number;
}

export async function indexSize(path: string): Promise<IndexSize> {
  const bundle = await Bundle.open(path);
  const size: IndexSize = { bundle: statSync(path).size, search: 0, shards: 0, titles: 0 };
  try {
    for await (const record of bundle.records()) {
      if (record.kind === EntryKind.Redirect || !record.name.startsWith('search/')) continue;
      const bytes = record.locator.compressedSize;
      if (record.name === 'search/titles') size.titles += bytes;
      else {
        size.search += bytes;
        if (record.name.startsWith('search/shard-')) size.shards++;
      }
    }
  } finally {
    await bundle.close();
  }
  return size;
}

if (process.argv[1]?.endsWith('index-size.js')) {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
  for (const path of process.argv.slice(2)) {
    const size = await indexSize(path);
    const share = ((100 * size.search) / size.bundle).toFixed(0);
    process.stdout.write(
      `${basename(path)}: bundle ${mb(size.bundle)} MB, search ${mb(size.search)} MB (${share}%) in ${size.shards} shards, titles ${mb(size.titles)} MB\n`,
    );
  }
}
