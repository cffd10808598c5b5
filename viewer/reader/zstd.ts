import { createDCtx, decompressUsingDict, init } from '@bokuweb/zstd-wasm';
// The build (viewer/build.mjs) inlines the package's WebAssembly as a data: URL, so the reader
// stays one file on the stick.
import wasmUrl from 'ferry:zstd.wasm';
import type { DecodeWithDictionary } from '../../src/bundle/zstd-frame.js';

let decoder: Promise<DecodeWithDictionary> | undefined;

/** The zstd decoder of compact bundles, loaded at the first zstd entry. */
export function zstdDecoder(): Promise<DecodeWithDictionary> {
  // The browser build's init takes the file's URL; the types describe Node's, which takes none.
  const initWeb = init as (url?: string) => Promise<void>;
  decoder ??= initWeb(wasmUrl).then(() => {
    const context = createDCtx();
    return (frame: Uint8Array, dictionary: Uint8Array) => decompressUsingDict(context, frame, dictionary);
  });
  return decoder;
}
