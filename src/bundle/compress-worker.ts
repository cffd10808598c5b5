import { parentPort, workerData } from 'node:worker_threads';
import { compressWithDictionary, loadZstd } from './zstd.js';

/** A worker thread of the compression pool: entries in, zstd frames out, against one dictionary. */
const { dictionary, level } = workerData as { dictionary: Uint8Array; level: number };
const dictionaryBuffer = Buffer.from(dictionary.buffer, dictionary.byteOffset, dictionary.byteLength);
await loadZstd();
parentPort!.on('message', ({ id, job }: { id: number; job: Uint8Array }) => {
  const data = Buffer.from(job.buffer, job.byteOffset, job.byteLength);
  const frame = compressWithDictionary(data, dictionaryBuffer, level);
  // The frame is a copy out of zstd's memory, its buffer its own: handed over, not cloned.
  parentPort!.postMessage({ id, frame }, [frame.buffer as ArrayBuffer]);
});
