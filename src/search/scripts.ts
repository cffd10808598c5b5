import lunr from 'lunr';

/** Scripts written without spaces between words: Chinese, Japanese kana and kanji, Thai. */
const UNSPACED = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]+/gu;

/** The word without what is neither a letter, a digit nor `_` at its ends ("os.path." is "os.path"). */
export function trimEdges(word: string): string {
  return word.replace(/^[^\p{L}\p{N}_]+|[^\p{L}\p{N}_]+$/gu, '');
}

/**
 * lunr's own trimmer strips everything outside ASCII word characters, which erases Chinese
 * or Arabic words entirely; this one trims only what is neither a letter, a digit nor `_`.
 */
export const unicodeTrimmer: lunr.PipelineFunction = (token) => token.update(trimEdges);

/** Splits unspaced runs into pieces: bigrams, plus every single character when `withUnigrams`. */
function splitUnspaced(withUnigrams: boolean): lunr.PipelineFunction {
  return (token) => {
    const text = token.toString();
    if (!UNSPACED.test(text)) return token;
    UNSPACED.lastIndex = 0;
    const pieces: string[] = [];
    let last = 0;
    for (const match of text.matchAll(UNSPACED)) {
      if (match.index > last) pieces.push(text.slice(last, match.index));
      const run = [...match[0]];
      if (run.length === 1 || withUnigrams) pieces.push(...run);
      for (let i = 0; i + 1 < run.length; i++) pieces.push(run[i]! + run[i + 1]!);
      last = match.index + match[0].length;
    }
    if (last < text.length) pieces.push(text.slice(last));
    return pieces.filter((piece) => piece !== '').map((piece) => token.clone(() => piece));
  };
}

/**
 * At index time, runs of unspaced scripts become every character and every overlapping pair:
 * `東京都庁` is indexed as `東`, `京`, `都`, `庁`, `東京`, `京都`, `都庁`.
 */
export const unspacedNgrams = splitUnspaced(true);

/** At query time, pairs only (a lone character stays itself): `京都` must match as a pair. */
export const unspacedBigrams = splitUnspaced(false);

lunr.Pipeline.registerFunction(unicodeTrimmer, 'ferryTrimmer');
lunr.Pipeline.registerFunction(unspacedNgrams, 'ferryNgrams');
lunr.Pipeline.registerFunction(unspacedBigrams, 'ferryBigrams');
