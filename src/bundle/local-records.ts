import type { ByteSource } from './byte-source.js';
import type { CentralRecord } from './central-directory.js';

const LOCAL_SIGNATURE = 0x04034b50;
const DESCRIPTOR_SIGNATURE = 0x08074b50;

/**
 * What a ZIP tool reads besides the central directory: an entry's local header, and the data
 * descriptor after its data when flag bit 3 is set. Returns what disagrees with the central
 * record, or undefined when they agree. `dataStart` is where the entry's data begins.
 */
export async function localRecordProblem(
  source: ByteSource,
  entry: CentralRecord,
  dataStart: number,
): Promise<string | undefined> {
  const header = await source.read(entry.offset, 30);
  if (header.readUInt32LE(0) !== LOCAL_SIGNATURE) return 'no local header where the central directory says';
  const name = await source.read(entry.offset + 30, header.readUInt16LE(26));
  if (name.toString('utf8') !== entry.name) return 'the local header names another entry';
  if (header.readUInt16LE(6) !== entry.flags || header.readUInt16LE(8) !== entry.method) {
    return 'the local header and the central directory disagree on flags or method';
  }
  if (header.readUInt16LE(10) !== entry.dosTime || header.readUInt16LE(12) !== entry.dosDate) {
    return 'the local header and the central directory disagree on the time';
  }
  const dataEnd = dataStart + entry.compressedSize;
  if (entry.flags & 0x8) {
    const descriptor = await source.read(dataEnd, Math.min(24, source.size - dataEnd));
    return descriptorMatches(descriptor, entry)
      ? undefined
      : 'the data descriptor and the central directory disagree on CRC-32 or sizes';
  }
  const crc = header.readUInt32LE(14);
  const compressed = header.readUInt32LE(18);
  const size = header.readUInt32LE(22);
  const sizesMatch =
    (compressed === 0xffffffff || compressed === entry.compressedSize) && (size === 0xffffffff || size === entry.size);
  return crc === entry.crc32 >>> 0 && sizesMatch
    ? undefined
    : 'the local header and the central directory disagree on CRC-32 or sizes';
}

/** A descriptor may start with its signature, and carries 4- or 8-byte sizes (zip64). */
function descriptorMatches(bytes: Buffer, entry: CentralRecord): boolean {
  const start = bytes.length >= 4 && bytes.readUInt32LE(0) === DESCRIPTOR_SIGNATURE ? 4 : 0;
  if (bytes.length < start + 12 || bytes.readUInt32LE(start) !== entry.crc32 >>> 0) return false;
  const short = bytes.readUInt32LE(start + 4) === entry.compressedSize && bytes.readUInt32LE(start + 8) === entry.size;
  const long =
    bytes.length >= start + 20 &&
    Number(bytes.readBigUInt64LE(start + 4)) === entry.compressedSize &&
    Number(bytes.readBigUInt64LE(start + 12)) === entry.size;
  return short || long;
}
