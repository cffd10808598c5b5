import type lunr from 'lunr';
import { createBuilder, DOCS_PER_SHARD, TEXT_PER_SHARD } from './shard.js';
import { encodeShard } from './shard-format.js';
import { lunrWeights } from './weights.js';

export interface SearchDocument {
  path: string;
  title: string;
  headings: string;
  text: string;
}

/**
 * Collects documents and cuts them into shards, so no more than one shard's documents are
 * held at once however large the collection is.
 */
export class ShardBuilder {
  private pending: SearchDocument[] = [];
  private pendingText = 0;
  private readonly pipeline: lunr.Pipeline;
  shards = 0;
  documents = 0;

  constructor(
    language: string,
    private readonly docsPerShard = DOCS_PER_SHARD,
    private readonly textPerShard = TEXT_PER_SHARD,
  ) {
    this.pipeline = createBuilder(language).pipeline;
  }

  /** Adds a document; returns a finished shard when this one filled it. */
  add(document: SearchDocument): Buffer | undefined {
    this.pending.push(document);
    this.pendingText += document.text.length;
    this.documents++;
    const full = this.pending.length >= this.docsPerShard || this.pendingText >= this.textPerShard;
    return full ? this.flush() : undefined;
  }

  /** The last, partly filled shard, if any. */
  finish(): Buffer | undefined {
    return this.pending.length > 0 ? this.flush() : undefined;
  }

  private flush(): Buffer {
    const documents = this.pending;
    this.pending = [];
    this.pendingText = 0;
    this.shards++;
    return encodeShard(documents, lunrWeights(documents, this.pipeline));
  }
}
