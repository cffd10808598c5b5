import type { Compression } from '../bundle/manifest.js';
import { DICTIONARY_NAME } from '../bundle/names.js';
import { Bundle } from '../bundle/reader.js';
import { buildDictionary, dictionarySizeFor, spreadSample } from '../bundle/dictionary-builder.js';
import type { WriterOptions } from '../bundle/writer.js';
import { ZSTD_ENTRY_LIMIT } from '../bundle/zstd-frame.js';
import { FerryError } from '../errors.js';
import type { SourceFile } from '../sources/types.js';
import { isPrecompressed, mediaTypeOf } from './media-type.js';

const NO_BYTES = Buffer.alloc(0);

/** How text is compressed; compact unless asked otherwise (README, "Compression"). */
export const DEFAULT_COMPRESSION: Compression = 'compact';

export interface CompressionChoice {
  compression?: Compression | undefined;
  /** The previous edition, whose dictionary a compact pack reuses so unchanged pages keep their bytes. */
  base?: string | undefined;
}

/** The dictionary of a compact bundle, or undefined when it is not compact. */
async function dictionaryOf(path: string): Promise<Buffer | undefined> {
  const bundle = await Bundle.open(path).catch((error: Error) => {
    throw new FerryError('INPUT_MISSING', `Cannot read --base "${path}": ${error.message}`, { cause: error });
  });
  try {
    const record = await bundle.resolve(DICTIONARY_NAME);
    return record ? await bundle.read(record) : undefined;
  } finally {
    await bundle.close();
  }
}

/**
 * What the writer compresses with: nothing for deflate; for compact, the base edition's
 * dictionary, else one built from `samples` (files spread over the whole collection), else one
 * built from the first entries written, for a source that streams.
 */
export async function chooseDictionary(
  choice: CompressionChoice,
  warn: (message: string) => void,
  samples?: () => Promise<{ samples: Buffer[]; textBytes: number }>,
): Promise<WriterOptions['dictionary']> {
  // Deflated pages keep their bytes without a base; its search shards are kept all the same (assembler.ts).
  if ((choice.compression ?? DEFAULT_COMPRESSION) === 'deflate') return undefined;
  if (choice.base !== undefined) {
    const dictionary = await dictionaryOf(choice.base);
    if (dictionary) return dictionary;
    warn(`--base "${choice.base}" is not a compact bundle: a new dictionary is made, so every page changes.`);
  }
  if (!samples) return 'from-first-entries';
  const { samples: picked, textBytes } = await samples();
  return buildDictionary(picked, dictionarySizeFor(textBytes));
}

/** Text files spread over a collection, read, for its dictionary. */
export async function collectionSamples(
  files: readonly SourceFile[],
): Promise<{ samples: Buffer[]; textBytes: number }> {
  // By name only: reading every file to sniff it would read the whole collection twice.
  const text = files.filter((file) => !isPrecompressed(mediaTypeOf(file.path, NO_BYTES)));
  const textBytes = text.reduce((sum, file) => sum + file.size, 0);
  const small = text.filter((file) => file.size <= ZSTD_ENTRY_LIMIT);
  const samples: Buffer[] = [];
  for (const file of spreadSample(small, (file) => file.size)) samples.push(await file.read());
  return { samples, textBytes };
}
