import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { FerryError } from '../errors.js';
import type { ByteSource } from './byte-source.js';
import { readZipTail, zip64Values } from './zip-tail.js';

/** What the ZIP's own central directory says of one entry. */
export interface CentralRecord {
  name: string;
  offset: number;
  compressedSize: number;
  size: number;
  crc32: number;
  method: number;
  flags: number;
  /** The MS-DOS time and date fields, as stored. */
  dosTime: number;
  dosDate: number;
  /** Unix mode in the high 16 bits (a symbolic link is 0o120000). */
  externalAttributes: number;
}

/** Lets yauzl read through a ByteSource: its documented seam for custom storage. */
export class SourceReader extends yauzl.RandomAccessReader {
  constructor(private readonly source: ByteSource) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return this.source.createReadStream(start, end);
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null) => void,
  ): void {
    this.source.read(position, length).then(
      (bytes) => {
        bytes.copy(buffer, offset);
        callback(null);
      },
      (error: Error) => callback(error),
    );
  }
}

const CENTRAL_RECORD_SIGNATURE = 0x02014b50;
const CENTRAL_RECORD_SIZE = 46;
/** The directory is read in pieces of this size, so a directory of millions of entries is never held whole. */
const READ_PIECE = 1024 * 1024;

/**
 * Reads every central-directory record (APPNOTE 4.3.12), in order. This walks the whole
 * directory, so only the writer (once, at pack time), `ferry verify` and `ferry update` do it;
 * opening a bundle never does. It reads the directory and the end record only, nothing before:
 * over HTTP every byte read is a byte fetched.
 */
export async function readCentralDirectory(source: ByteSource): Promise<CentralRecord[]> {
  const records: CentralRecord[] = [];
  await forEachCentralRecord(source, (record) => records.push(record));
  return records;
}

/** The same walk, handing each record over as it is read, so no list of them need be kept. */
export async function forEachCentralRecord(source: ByteSource, visit: (record: CentralRecord) => void): Promise<void> {
  const tail = await readZipTail(source);
  const damaged = (why: string) =>
    new FerryError('BUNDLE_CORRUPT', `${source.label}: the ZIP central directory is damaged: ${why}.`);
  const end = tail.centralDirectoryOffset + tail.centralDirectorySize;
  let position = tail.centralDirectoryOffset;
  let pending: Buffer = Buffer.alloc(0);
  let count = 0;
  while (position < end || pending.length > 0) {
    if (position < end) {
      const piece = await source.read(position, Math.min(READ_PIECE, end - position));
      position += piece.length;
      pending = pending.length > 0 ? Buffer.concat([pending, piece]) : piece;
    }
    let at = 0;
    while (at + CENTRAL_RECORD_SIZE <= pending.length) {
      if (pending.readUInt32LE(at) !== CENTRAL_RECORD_SIGNATURE) throw damaged(`record ${count + 1} has no signature`);
      const nameLength = pending.readUInt16LE(at + 28);
      const extraLength = pending.readUInt16LE(at + 30);
      const recordEnd = at + CENTRAL_RECORD_SIZE + nameLength + extraLength + pending.readUInt16LE(at + 32);
      if (recordEnd > pending.length) break;
      const nameEnd = at + CENTRAL_RECORD_SIZE + nameLength;
      const wide = zip64Values(pending.subarray(nameEnd, nameEnd + extraLength), pending, at);
      visit({
        // Bundle names are UTF-8 (FORMAT.md §2).
        name: pending.toString('utf8', at + CENTRAL_RECORD_SIZE, nameEnd),
        offset: wide.localHeaderOffset ?? pending.readUInt32LE(at + 42),
        compressedSize: wide.compressedSize ?? pending.readUInt32LE(at + 20),
        size: wide.size ?? pending.readUInt32LE(at + 24),
        crc32: pending.readUInt32LE(at + 16),
        method: pending.readUInt16LE(at + 10),
        flags: pending.readUInt16LE(at + 8),
        dosTime: pending.readUInt16LE(at + 12),
        dosDate: pending.readUInt16LE(at + 14),
        externalAttributes: pending.readUInt32LE(at + 38),
      });
      count++;
      at = recordEnd;
    }
    pending = pending.subarray(at);
    if (position >= end && pending.length > 0) throw damaged('its last record is cut short');
  }
  if (count !== tail.entryCount) throw damaged(`it holds ${count} records, its end record says ${tail.entryCount}`);
}
