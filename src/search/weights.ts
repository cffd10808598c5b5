import lunr from 'lunr';
import { FIELDS, WEIGHT_SCALE, type FieldWeights } from './shard-format.js';
import { HEADINGS_BOOST, TITLE_BOOST } from './shard.js';

/** lunr's BM25 settings (its Builder's defaults). */
const K1 = 1.2;
const B = 0.75;
const BOOSTS = [TITLE_BOOST, HEADINGS_BOOST, 1];

export interface WeightedDocument {
  title: string;
  headings: string;
  text: string;
}

/**
 * The weights lunr's Builder gives every term of every document's fields, computed the way its
 * createFieldVectors does (BM25, idf over the (document, field) pairs that have the term, field
 * boosts, rounded to thousandths), without the per-posting objects that make lunr's builder slow
 * and large. test/search/shard-format.test.ts holds the result equal to lunr's own index.
 */
export function* lunrWeights(documents: WeightedDocument[], pipeline: lunr.Pipeline): Generator<FieldWeights> {
  const counts: Map<string, number>[][] = [];
  const lengths: number[][] = [];
  const totals = FIELDS.map(() => 0);
  const fieldsWithTerm = new Map<string, number>();
  for (const document of documents) {
    const texts = [document.title, document.headings, document.text];
    const documentLengths: number[] = [];
    counts.push(
      texts.map((text, field) => {
        const terms = pipeline.run(lunr.tokenizer(text));
        const frequencies = new Map<string, number>();
        for (const term of terms) {
          const key = term.toString();
          frequencies.set(key, (frequencies.get(key) ?? 0) + 1);
        }
        for (const key of frequencies.keys()) fieldsWithTerm.set(key, (fieldsWithTerm.get(key) ?? 0) + 1);
        documentLengths.push(terms.length);
        totals[field]! += terms.length;
        return frequencies;
      }),
    );
    lengths.push(documentLengths);
  }
  const averages = totals.map((total) => total / documents.length);
  const idfs = new Map<string, number>();
  for (const [term, withTerm] of fieldsWithTerm) {
    idfs.set(term, Math.log(1 + Math.abs((documents.length - withTerm + 0.5) / (withTerm + 0.5))));
  }
  for (let doc = 0; doc < documents.length; doc++) {
    for (let field = 0; field < FIELDS.length; field++) {
      const ratio = lengths[doc]![field]! / averages[field]!;
      const weights: [string, number][] = [];
      for (const [term, tf] of counts[doc]![field]!) {
        const score = ((idfs.get(term)! * ((K1 + 1) * tf)) / (K1 * (1 - B + B * ratio) + tf)) * BOOSTS[field]!;
        weights.push([term, Math.round(score * WEIGHT_SCALE)]);
      }
      yield { doc, field, weights };
    }
  }
}
