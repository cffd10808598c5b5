import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { FerryError } from '../errors.js';
import { writeAll } from './file-writes.js';

const ATTEMPTS = 6;
const FIRST_BACKOFF_MS = 250;

async function sizeOf(path: string): Promise<number> {
  return stat(path).then(
    (info) => info.size,
    () => 0,
  );
}

/**
 * Downloads `url` into `partPath`, going on from what the file already holds (an earlier run cut
 * short) with a Range request; a server that answers the whole file again starts it over. A cut
 * connection is retried, with growing pauses, from where it stopped. `onBytes` sees the total so far.
 */
export async function resumableDownload(
  url: string,
  partPath: string,
  expectedSize: number,
  onBytes: (bytes: number) => void = () => undefined,
): Promise<void> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (attempt > 0) await sleep(FIRST_BACKOFF_MS * 2 ** (attempt - 1));
    let have = await sizeOf(partPath);
    if (expectedSize > 0 && have > expectedSize) have = 0;
    if (expectedSize > 0 && have === expectedSize) return;
    let response: Response;
    try {
      response = await fetch(url, have > 0 ? { headers: { Range: `bytes=${have}-` } } : {});
    } catch (error) {
      lastError = error as Error;
      continue;
    }
    if (response.status === 404) throw new FerryError('INPUT_MISSING', `${url} is not there (404).`);
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      lastError = new Error(`HTTP ${response.status}`);
      continue;
    }
    // 200 to a Range request: the server sends the whole file, so it is written from the start.
    const from = response.status === 206 ? have : 0;
    const handle = await open(partPath, from === 0 ? 'w' : 'r+');
    let position = from;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        await writeAll(handle, Buffer.from(chunk), position);
        position += chunk.length;
        onBytes(position);
      }
      if (expectedSize > 0 && position !== expectedSize)
        throw new Error(`the transfer stopped at ${position} of ${expectedSize} bytes`);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC') {
        throw new FerryError(
          'INPUT_INVALID',
          `The disk is full while writing ${partPath}; free some space and run again: it resumes.`,
        );
      }
      lastError = error as Error;
    } finally {
      await handle.close();
    }
  }
  throw new FerryError(
    'INPUT_MISSING',
    `Downloading ${url} failed ${ATTEMPTS} times (${lastError?.message}); run again to resume.`,
  );
}
