import type lunr from 'lunr';
import { DOCS_PER_SHARD, HEADINGS_BOOST, TEXT_PER_SHARD, TITLE_BOOST, createBuilder } from './shard.js';
import { encodeShard, FIELDS, WEIGHT_SCALE, type FieldWeights } from './shard-format.js';

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
    const builder = createBuilder(this.language);
    builder.ref('id');
    builder.field('title', { boost: TITLE_BOOST });
    builder.field('headings', { boost: HEADINGS_BOOST });
    builder.field('body');
    documents.forEach((document, id) =>
      builder.add({ id: String(id), title: document.title, headings: document.headings, body: document.text }),
    );
    this.shards++;
    return encodeShard(documents, fieldWeights(builder));
  }
}

/** The parts of lunr's builder that hold the weights; lunr's types leave them out. */
interface BuilderInternals {
  invertedIndex: Record<string, { _index: number }>;
  fieldVectors: Record<string, { elements: number[] }>;
  calculateAverageFieldLengths(): void;
  createFieldVectors(): void;
}

/**
 * lunr's weights for every document and field (BM25 with the field boosts). build() would also
 * make lunr's in-memory token set, which a stored shard does not need, so only these steps run.
 */
function* fieldWeights(builder: lunr.Builder): Generator<FieldWeights> {
  const internals = builder as unknown as BuilderInternals;
  internals.calculateAverageFieldLengths();
  internals.createFieldVectors();
  const termsByIndex: string[] = [];
  for (const [term, posting] of Object.entries(internals.invertedIndex)) termsByIndex[posting._index] = term;
  for (const [fieldRef, vector] of Object.entries(internals.fieldVectors)) {
    const slash = fieldRef.indexOf('/');
    const field = FIELDS.indexOf(fieldRef.slice(0, slash) as (typeof FIELDS)[number]);
    const weights: [string, number][] = [];
    for (let i = 0; i < vector.elements.length; i += 2) {
      weights.push([termsByIndex[vector.elements[i]!]!, Math.round(vector.elements[i + 1]! * WEIGHT_SCALE)]);
    }
    yield { doc: Number(fieldRef.slice(slash + 1)), field, weights };
  }
}
