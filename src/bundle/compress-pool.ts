import { availableParallelism } from 'node:os';
import { builtFile } from '../built-file.js';
import { WorkerPool } from '../worker-pool.js';
import { compressWithDictionary } from './zstd.js';

/** Makes an entry's zstd frame against the bundle's dictionary; frames come back in any order. */
export interface FrameMaker {
  compress(data: Buffer): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * Where there is more than one core, zstd runs in worker threads while the pack goes on reading
 * and indexing pages: compression is a third of a site's pack. The frames are the same bytes
 * either way (one WebAssembly build, one level, one dictionary), so packs stay deterministic.
 */
export function createFrameMaker(
  dictionary: Buffer,
  level: number,
  workers = Math.min(2, availableParallelism() - 1),
): FrameMaker {
  if (workers < 1) {
    return {
      compress: async (data) => compressWithDictionary(data, dictionary, level),
      close: async () => undefined,
    };
  }
  return new CompressPool(workers, dictionary, level);
}

/** A compression worker's answer: the frame of the entry it was sent. */
interface FrameReply {
  id: number;
  frame: Uint8Array;
}

class CompressPool implements FrameMaker {
  private readonly pool: WorkerPool<Uint8Array, FrameReply>;

  constructor(size: number, dictionary: Buffer, level: number) {
    const script = builtFile('src/bundle/compress-worker.js', 'The compression worker');
    this.pool = new WorkerPool(script, size, 'compression worker', { workerData: { dictionary, level } });
  }

  async compress(data: Buffer): Promise<Buffer> {
    // A copy of exactly the entry's bytes: cloning a view would copy its whole backing buffer.
    const copy = new Uint8Array(data);
    const { frame } = await this.pool.run(copy, [copy.buffer]);
    return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
