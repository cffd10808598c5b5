import type { CorpusScoring } from './bm25.js';
import type { ShardDocument } from './shard-format.js';
import type { SearchShard, TermInfo } from './shard-reader.js';

/**
 * A shard kept from a previous edition whose changed or removed pages are dead (`search/shards`,
 * FORMAT.md §5.8): they match nothing. Their new versions are in a delta shard. A dead page still
 * counts among the pages that have its terms, as in Lucene until segments merge: pack makes the
 * shard anew before more than an eighth of it is dead.
 */
export class ShardWithDeadPages implements SearchShard {
  constructor(
    private readonly shard: SearchShard,
    private readonly dead: ReadonlySet<number>,
  ) {}

  get documentCount(): number {
    return this.shard.documentCount;
  }

  get memoryBytes(): number {
    return this.shard.memoryBytes + 16 * this.dead.size;
  }

  isLive(doc: number): boolean {
    return !this.dead.has(doc);
  }

  term(term: string): Promise<TermInfo | undefined> {
    return this.shard.term(term);
  }

  scoredPostings(
    info: TermInfo,
    termIdf: number,
    scoring: CorpusScoring,
    visit: (doc: number, score: number, flags: number) => void,
  ): Promise<void> {
    return this.shard.scoredPostings(info, termIdf, scoring, (doc, score, flags) => {
      if (!this.dead.has(doc)) visit(doc, score, flags);
    });
  }

  prior(doc: number): number {
    return this.shard.prior(doc);
  }

  document(doc: number): Promise<ShardDocument> {
    return this.shard.document(doc);
  }
}
