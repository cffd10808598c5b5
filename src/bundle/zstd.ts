import { decodeFrame } from './zstd-frame.js';

/**
 * zstd in WebAssembly, one build for every machine: the same input gives the same bytes on a PC
 * and on a Raspberry Pi, which keeps packs deterministic, and the standalone reader decodes with
 * the same code in the browser.
 */

type Zstd = typeof import('@bokuweb/zstd-wasm');

let ready: Promise<void> | undefined;
let zstd: Zstd | undefined;
let compressContext = 0;
let decompressContext = 0;

/**
 * Loads the WebAssembly once; every other function here needs it done. Imported here, not at
 * start: a server whose bundles are not read yet, or are deflated, does without its 4 MB.
 */
export function loadZstd(): Promise<void> {
  ready ??= import('@bokuweb/zstd-wasm').then(async (module) => {
    await module.init();
    compressContext = module.createCCtx();
    decompressContext = module.createDCtx();
    zstd = module;
  });
  return ready;
}

function loaded(): Zstd {
  if (!zstd) throw new Error('internal: zstd used before loadZstd()');
  return zstd;
}

/** One frame holding `data`, compressed against a raw-content `dictionary`; it states its content size. */
export function compressWithDictionary(data: Buffer, dictionary: Buffer, level: number): Buffer {
  const frame = loaded().compressUsingDict(compressContext, data, dictionary, level);
  return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}

/** The content of one frame, or why it cannot be trusted (see decodeFrame). */
export function decompressWithDictionary(
  frame: Buffer,
  dictionary: Buffer,
  size: number,
): { data: Buffer } | { why: string } {
  const { decompressUsingDict } = loaded();
  const result = decodeFrame(
    (input, dict) => decompressUsingDict(decompressContext, input, dict),
    frame,
    dictionary,
    size,
  );
  if ('why' in result) return result;
  return { data: Buffer.from(result.data.buffer, result.data.byteOffset, result.data.byteLength) };
}
