import type { SourceFile } from './types.js';

/**
 * Files read ahead of the one being packed, at most, and bytes they may hold between them, by
 * the sizes the source lists (a Gutenberg page made from a book lists 0: the file count bounds it).
 */
const AHEAD_FILES = 8;
const AHEAD_BYTES = 16 * 1024 * 1024;

/**
 * A collection's files with their contents, in order, the next few read while one is packed:
 * reading one file at a time left the pack waiting on the disk for a fifth of its time.
 */
export async function* readAhead(files: SourceFile[]): AsyncGenerator<{ file: SourceFile; data: Buffer }> {
  const reads: Promise<Buffer>[] = [];
  let next = 0;
  let bytesAhead = 0;
  const startReads = () => {
    while (next < files.length && reads.length < AHEAD_FILES && (reads.length === 0 || bytesAhead < AHEAD_BYTES)) {
      const file = files[next++]!;
      const read = file.read();
      read.catch(() => undefined); // its failure is thrown when its turn comes
      reads.push(read);
      bytesAhead += file.size;
    }
  };
  for (const file of files) {
    startReads();
    const data = await reads.shift()!;
    bytesAhead -= file.size;
    yield { file, data };
  }
}
