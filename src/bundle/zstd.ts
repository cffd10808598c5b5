import { compressUsingDict, createCCtx, createDCtx, decompressUsingDict, init } from '@bokuweb/zstd-wasm';
import { decodeFrame } from './zstd-frame.js';

/**
 * zstd in WebAssembly, one build for every machine: the same input gives the same bytes on a PC
 * and on a Raspberry Pi, which keeps packs deterministic, and the standalone reader decodes with
 * the same code in the browser.
 */

let ready: Promise<void> | undefined;
let compressContext = 0;
let decompressContext = 0;

/** Loads the WebAssembly once; every other function here needs it done. */
export function loadZstd(): Promise<void> {
  ready ??= init().then(() => {
    compressContext = createCCtx();
    decompressContext = createDCtx();
  });
  return ready;
}

function assertLoaded(): void {
  if (!compressContext) throw new Error('internal: zstd used before loadZstd()');
}

/** One frame holding `data`, compressed against a raw-content `dictionary`; it states its content size. */
export function compressWithDictionary(data: Buffer, dictionary: Buffer, level: number): Buffer {
  assertLoaded();
  const frame = compressUsingDict(compressContext, data, dictionary, level);
  return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}

/** The content of one frame, or why it cannot be trusted (see decodeFrame). */
export function decompressWithDictionary(
  frame: Buffer,
  dictionary: Buffer,
  size: number,
): { data: Buffer } | { why: string } {
  assertLoaded();
  const result = decodeFrame(
    (input, dict) => decompressUsingDict(decompressContext, input, dict),
    frame,
    dictionary,
    size,
  );
  if ('why' in result) return result;
  return { data: Buffer.from(result.data.buffer, result.data.byteOffset, result.data.byteLength) };
}
