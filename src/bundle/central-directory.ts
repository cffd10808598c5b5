import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { FerryError } from '../errors.js';
import { ReadAheadByteSource, type ByteSource } from './byte-source.js';

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

/**
 * Reads every central-directory record with yauzl, in order. This walks the whole directory, so
 * only the writer (once, at pack time) and `ferry verify` do it; opening a bundle never does.
 */
export async function readCentralDirectory(source: ByteSource): Promise<CentralRecord[]> {
  const records: CentralRecord[] = [];
  await forEachCentralRecord(source, (record) => records.push(record));
  return records;
}

/** The same walk, handing each record over as it is read, so no list of them need be kept. */
export async function forEachCentralRecord(source: ByteSource, visit: (record: CentralRecord) => void): Promise<void> {
  const zip = await yauzl.fromRandomAccessReaderPromise(
    new SourceReader(new ReadAheadByteSource(source)),
    source.size,
    {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: true,
      strictFileNames: true,
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        try {
          visit({
            name: entry.fileName,
            offset: entry.relativeOffsetOfLocalHeader,
            compressedSize: entry.compressedSize,
            size: entry.uncompressedSize,
            crc32: entry.crc32,
            method: entry.compressionMethod,
            flags: entry.generalPurposeBitFlag,
            dosTime: entry.lastModFileTime,
            dosDate: entry.lastModFileDate,
          });
        } catch (error) {
          reject(error as Error);
          return;
        }
        zip.readEntry();
      });
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
  } catch (error) {
    throw new FerryError(
      'BUNDLE_CORRUPT',
      `${source.label}: the ZIP central directory is damaged: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  } finally {
    zip.close();
  }
}
