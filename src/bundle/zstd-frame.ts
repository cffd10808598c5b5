/**
 * What a reader checks in a zstd frame (RFC 8878 §3.1.1) before it decodes one: the header
 * must state the content size, and the size must be the one the bundle recorded, so a damaged
 * or hostile frame cannot make the decoder allocate more than the entry holds.
 */

const FRAME_MAGIC = 0xfd2fb528;

/**
 * Larger text entries are deflated even in compact bundles: a zstd entry is decoded whole in
 * memory, and a reader streams only deflated ones. A reader refuses a larger zstd entry.
 */
export const ZSTD_ENTRY_LIMIT = 4 * 1024 * 1024;

/** The content size a frame's header states, or undefined when it is not a frame or states none. */
export function frameContentSize(frame: Uint8Array): number | undefined {
  if (frame.length < 6) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (view.getUint32(0, true) !== FRAME_MAGIC) return undefined;
  const descriptor = frame[4]!;
  const sizeFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 3]!;
  const sizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][sizeFlag]!;
  if (sizeBytes === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes;
  if (at + sizeBytes > frame.length) return undefined;
  switch (sizeBytes) {
    case 1:
      return view.getUint8(at);
    case 2:
      return view.getUint16(at, true) + 256;
    case 4:
      return view.getUint32(at, true);
    default:
      return Number(view.getBigUint64(at, true));
  }
}

/** The decoder a reader has: Node's and the browser's load the same WebAssembly differently. */
export type DecodeWithDictionary = (frame: Uint8Array, dictionary: Uint8Array) => Uint8Array;

/**
 * Decodes one entry's frame, refusing it (with `why`) unless its header states exactly `size`
 * bytes and it decodes to that many.
 */
export function decodeFrame(
  decode: DecodeWithDictionary,
  frame: Uint8Array,
  dictionary: Uint8Array,
  size: number,
): { data: Uint8Array } | { why: string } {
  if (size > ZSTD_ENTRY_LIMIT) return { why: `a zstd entry may hold at most ${ZSTD_ENTRY_LIMIT} bytes` };
  const stated = frameContentSize(frame);
  if (stated === undefined) return { why: 'it is not a zstd frame that states its size' };
  if (stated !== size) return { why: `its zstd frame holds ${stated} bytes, not ${size}` };
  let data: Uint8Array;
  try {
    data = decode(frame, dictionary);
  } catch (error) {
    return { why: `it does not decode: ${(error as Error).message}` };
  }
  if (data.length !== size) return { why: `it decodes to ${data.length} bytes, not ${size}` };
  return { data };
}
