/**
 * Builds a raw-content zstd dictionary from sample pages: the segments that most samples share
 * (navigation, headers, scripts, markup that every page repeats), after the COVER idea of
 * Liao, Petri, Moffat and Wirth ("Effective construction of relative Lempel-Ziv dictionaries",
 * 2016) that `zstd --train` uses. No npm library trains dictionaries in WebAssembly or
 * JavaScript. On the 16 corpora of bench:compression, pages compressed with it at level 9 take
 * 0–8% more than with `zstd --train`'s at level 19, most of it the level.
 */

/** Bytes of sample a dictionary is built from: spread over the collection, more adds little. */
export const SAMPLE_BYTES = 8 * 1024 * 1024;
const MIN_DICTIONARY = 4096;
/** zstd's own default size (110 KB). */
const MAX_DICTIONARY = 112_640;
/** A dictionary costs its size once; a small collection cannot repay a large one. */
const TEXT_PER_DICTIONARY_BYTE = 64;

const SEGMENT = 1024;
const DMER = 8;
const HASH_BITS = 20;
/** Each stretch of the samples offers a segment this many times, so the dictionary draws on all of them. */
const PASSES = 4;

export function dictionarySizeFor(textBytes: number): number {
  return Math.max(MIN_DICTIONARY, Math.min(MAX_DICTIONARY, Math.round(textBytes / TEXT_PER_DICTIONARY_BYTE)));
}

/** Every n-th item, so that about `budget` bytes of items spread over all of them are taken. */
export function spreadSample<T>(items: readonly T[], sizeOf: (item: T) => number, budget = SAMPLE_BYTES): T[] {
  const total = items.reduce((sum, item) => sum + sizeOf(item), 0);
  const stride = Math.max(1, Math.ceil(total / budget));
  return items.filter((_, i) => i % stride === 0);
}

function dmerHash(bytes: Buffer, at: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < DMER; i++) hash = Math.imul(hash ^ bytes[at + i]!, 0x01000193);
  return hash >>> (32 - HASH_BITS);
}

/**
 * A dictionary of at most `size` bytes: segments of the samples in which the most d-mers
 * (8-byte strings) are shared by many samples, each d-mer counted once; the most useful segment
 * last, nearest the data, where zstd reaches it with the shortest offsets.
 */
export function buildDictionary(samples: readonly Buffer[], size: number): Buffer {
  const all = Buffer.concat(samples);
  // The hash of the d-mer at each position, -1 where it would cross into the next sample.
  const hashes = new Int32Array(all.length).fill(-1);
  // In how many samples each d-mer occurs.
  const samplesWith = new Int32Array(1 << HASH_BITS);
  const lastSample = new Int32Array(1 << HASH_BITS).fill(-1);
  let start = 0;
  samples.forEach((sample, number) => {
    for (let i = 0; i + DMER <= sample.length; i++) {
      const hash = dmerHash(sample, i);
      hashes[start + i] = hash;
      if (lastSample[hash] !== number) {
        lastSample[hash] = number;
        samplesWith[hash]!++;
      }
    }
    start += sample.length;
  });

  const epochs = Math.max(1, Math.floor(size / SEGMENT / PASSES));
  const epochLength = Math.max(SEGMENT, Math.floor(all.length / epochs));
  const inWindow = new Uint16Array(1 << HASH_BITS);
  const dictionary = Buffer.alloc(size);
  let free = size;
  let fruitless = 0;
  for (let epoch = 0; free > 0 && fruitless < epochs; epoch = (epoch + 1) % epochs) {
    const segment = bestSegment(hashes, samplesWith, inWindow, epoch * epochLength, (epoch + 1) * epochLength);
    if (!segment) {
      fruitless++;
      continue;
    }
    fruitless = 0;
    for (let i = segment.start; i < segment.end; i++) {
      const hash = hashes[i]!;
      if (hash >= 0) samplesWith[hash] = 0; // said once is enough
    }
    const length = Math.min(segment.end - segment.start, free);
    all.copy(dictionary, free - length, segment.start, segment.start + length);
    free -= length;
  }
  return dictionary.subarray(free);
}

/**
 * The window of SEGMENT bytes in [from, to) whose distinct d-mers are shared by the most samples
 * in all, trimmed of d-mers no other sample has; undefined when nothing in it is shared.
 */
function bestSegment(
  hashes: Int32Array,
  samplesWith: Int32Array,
  inWindow: Uint16Array,
  from: number,
  to: number,
): { start: number; end: number } | undefined {
  const end = Math.min(to, hashes.length);
  const span = SEGMENT - DMER + 1;
  inWindow.fill(0);
  let score = 0;
  let best = 0;
  let bestStart = -1;
  for (let i = from; i < end; i++) {
    const hash = hashes[i]!;
    if (hash >= 0 && inWindow[hash]!++ === 0) score += samplesWith[hash]!;
    const leaving = i - span;
    if (leaving >= from) {
      const old = hashes[leaving]!;
      if (old >= 0 && --inWindow[old]! === 0) score -= samplesWith[old]!;
    }
    if (i - from >= span - 1 && score > best) {
      best = score;
      bestStart = i - span + 1;
    }
  }
  if (bestStart < 0 || best <= 1) return undefined;
  const shared = (i: number) => hashes[i]! >= 0 && samplesWith[hashes[i]!]! > 1;
  let start = bestStart;
  let stop = Math.min(bestStart + SEGMENT, hashes.length);
  while (start < stop && !shared(start)) start++;
  while (stop > start && !shared(stop - DMER)) stop--;
  return stop > start ? { start, end: stop } : undefined;
}
