import { FerryError } from '../errors.js';
import type { ByteSource } from './byte-source.js';

/** Where the central directory is, read from the end-of-central-directory records (APPNOTE 4.3.14–16). */
export interface ZipTail {
  centralDirectoryOffset: number;
  centralDirectorySize: number;
  entryCount: number;
  /** The last bytes of the file as read to find the end record: what a copy of the directory must end with. */
  lastBytes?: Buffer;
}

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const MAX_COMMENT = 0xffff;

export async function readZipTail(source: ByteSource): Promise<ZipTail> {
  const notZip = (why: string) =>
    new FerryError(
      'NOT_A_BUNDLE',
      `${source.label} is not a ferry bundle: ${why}. Give a .ferry file made by "ferry pack".`,
    );
  if (source.size < EOCD_SIZE) throw notZip('the file is too short to be a ZIP archive');
  // A bundle has no archive comment: its last 22 bytes are the record. Only other ZIPs, or a
  // damaged bundle, cost the 64 KB a comment may take (over HTTP, every byte read is fetched).
  for (const longest of [EOCD_SIZE, EOCD_SIZE + MAX_COMMENT]) {
    const tailLength = Math.min(source.size, longest);
    const tailStart = source.size - tailLength;
    const tail = await source.read(tailStart, tailLength);
    const found = await endRecord(source, tail, tailStart, notZip);
    if (found) return { ...found, lastBytes: tail };
  }
  throw notZip('no end-of-central-directory record was found (wrong file, or truncated)');
}

/** Where the last central-directory record is, which must be `expectedName`'s, and what it says of its entry. */
export async function readLastCentralRecord(
  source: ByteSource,
  tail: ZipTail,
  expectedName: string,
): Promise<{ recordOffset: number; localHeaderOffset: number; compressedSize: number }> {
  const end = tail.centralDirectoryOffset + tail.centralDirectorySize;
  const window = Math.min(tail.centralDirectorySize, 46 + 0xffff);
  const bytes = await source.read(end - window, window);
  const name = Buffer.from(expectedName, 'utf8');
  for (let i = bytes.length - 46 - name.length; i >= 0; i--) {
    if (bytes.readUInt32LE(i) !== 0x02014b50) continue;
    const nameLength = bytes.readUInt16LE(i + 28);
    const extraLength = bytes.readUInt16LE(i + 30);
    const commentLength = bytes.readUInt16LE(i + 32);
    if (i + 46 + nameLength + extraLength + commentLength !== bytes.length) continue;
    if (!bytes.subarray(i + 46, i + 46 + nameLength).equals(name)) break;
    const extra = bytes.subarray(i + 46 + nameLength, i + 46 + nameLength + extraLength);
    const wide = zip64Values(extra, bytes, i);
    return {
      recordOffset: end - window + i,
      localHeaderOffset: wide.localHeaderOffset ?? bytes.readUInt32LE(i + 42),
      compressedSize: wide.compressedSize ?? bytes.readUInt32LE(i + 20),
    };
  }
  throw new FerryError(
    'NOT_A_BUNDLE',
    `${source.label} is a ZIP archive but not a ferry bundle: its last entry is not "${expectedName}". Pack it with "ferry pack".`,
  );
}

/** The zip64 extra field holds, in order, only the values whose 32-bit fields are 0xFFFFFFFF. */
export function zip64Values(
  extra: Buffer,
  record: Buffer,
  at: number,
): { size?: number; compressedSize?: number; localHeaderOffset?: number } {
  const wideSize = record.readUInt32LE(at + 24) === 0xffffffff;
  const wideCompressed = record.readUInt32LE(at + 20) === 0xffffffff;
  const wideOffset = record.readUInt32LE(at + 42) === 0xffffffff;
  if (!wideSize && !wideCompressed && !wideOffset) return {};
  for (let i = 0; i + 4 <= extra.length;) {
    const id = extra.readUInt16LE(i);
    const size = extra.readUInt16LE(i + 2);
    if (id === 0x0001) {
      let position = i + 4;
      const next = () => {
        if (position + 8 > i + 4 + size) throw missingZip64();
        const value = Number(extra.readBigUInt64LE(position));
        position += 8;
        return value;
      };
      const uncompressed = wideSize ? next() : undefined;
      const compressedSize = wideCompressed ? next() : undefined;
      const localHeaderOffset = wideOffset ? next() : undefined;
      return { size: uncompressed, compressedSize, localHeaderOffset };
    }
    i += 4 + size;
  }
  throw missingZip64();
}

function missingZip64(): FerryError {
  return new FerryError('BUNDLE_CORRUPT', 'The zip64 extra field of a central-directory record is missing.');
}

/**
 * Offset of an entry's data: after its 30-byte local header, name and extra field. With the name
 * the path index gave, the header must carry that name: a damaged index record that points at
 * another entry is caught here, in the same read.
 */
export async function localDataOffset(
  source: ByteSource,
  localHeaderOffset: number,
  expectedName?: string,
): Promise<number> {
  const name = expectedName === undefined ? undefined : Buffer.from(expectedName, 'utf8');
  const wanted = 30 + (name?.length ?? 0);
  const header = await source.read(localHeaderOffset, Math.min(wanted, source.size - localHeaderOffset));
  if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) {
    throw new FerryError('BUNDLE_CORRUPT', `${source.label}: no local file header at offset ${localHeaderOffset}.`);
  }
  if (name && (header.readUInt16LE(26) !== name.length || !header.subarray(30).equals(name))) {
    throw new FerryError(
      'BUNDLE_CORRUPT',
      `${source.label}: the path index points "${expectedName}" at another entry (offset ${localHeaderOffset}); the index is damaged. Run "ferry verify ${source.label}".`,
    );
  }
  return localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
}

/** The end-of-central-directory record in the tail read, with its zip64 values; undefined when the tail lacks it. */
async function endRecord(
  source: ByteSource,
  tail: Buffer,
  tailStart: number,
  notZip: (why: string) => FerryError,
): Promise<ZipTail | undefined> {
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD_SIGNATURE) continue;
    if (i + EOCD_SIZE + tail.readUInt16LE(i + 20) !== tail.length) continue;
    let entryCount = tail.readUInt16LE(i + 10);
    let centralDirectorySize = tail.readUInt32LE(i + 12);
    let centralDirectoryOffset = tail.readUInt32LE(i + 16);
    const eocdPosition = tailStart + i;
    if (entryCount === 0xffff || centralDirectorySize === 0xffffffff || centralDirectoryOffset === 0xffffffff) {
      if (eocdPosition < 20) throw notZip('the zip64 locator is missing');
      const locator = await source.read(eocdPosition - 20, 20);
      if (locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) throw notZip('the zip64 locator is missing');
      const record = await source.read(Number(locator.readBigUInt64LE(8)), 56);
      if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw notZip('the zip64 end record is damaged');
      entryCount = Number(record.readBigUInt64LE(32));
      centralDirectorySize = Number(record.readBigUInt64LE(40));
      centralDirectoryOffset = Number(record.readBigUInt64LE(48));
    }
    if (centralDirectoryOffset + centralDirectorySize > eocdPosition) {
      throw new FerryError(
        'BUNDLE_CORRUPT',
        `${source.label}: the central directory lies past the end of the archive; the file is truncated or damaged.`,
      );
    }
    return { centralDirectoryOffset, centralDirectorySize, entryCount };
  }
  return undefined;
}
