import lunr from 'lunr';
import { DOCS_PER_SHARD, HEADINGS_BOOST, TEXT_PER_SHARD, TITLE_BOOST, useLanguage, type ShardFile } from './shard.js';

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
  shards = 0;
  documents = 0;

  constructor(
    private readonly language: string,
    private readonly docsPerShard = DOCS_PER_SHARD,
    private readonly textPerShard = TEXT_PER_SHARD,
  ) {}

  /** Adds a document; returns a finished shard's JSON when this one filled it. */
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
    const language = this.language;
    const index = lunr(function () {
      useLanguage(this, language);
      this.ref('id');
      this.field('title', { boost: TITLE_BOOST });
      this.field('headings', { boost: HEADINGS_BOOST });
      this.field('body');
      documents.forEach((document, id) =>
        this.add({ id: String(id), title: document.title, headings: document.headings, body: document.text }),
      );
    });
    const file: ShardFile = {
      docs: documents.map((document) => [document.path, document.title]),
      index: index.toJSON(),
    };
    this.shards++;
    return Buffer.from(JSON.stringify(file));
  }
}
