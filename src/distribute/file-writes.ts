import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A temporary name beside `path`, hidden and unique, for a file that is renamed into place when whole. */
export function tempBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes all of `data` at `position`: a positional write may write less than it was given. */
export async function writeAll(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    done += (await handle.write(data, done, data.length - done, position + done)).bytesWritten;
  }
}

/** Replaces `path` whole or not at all: the data goes to a temporary file first, then is renamed. */
export async function writeFileAtomically(path: string, data: string | Buffer): Promise<void> {
  const temporary = tempBeside(path);
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
