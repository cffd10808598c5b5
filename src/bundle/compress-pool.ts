import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { builtFile } from '../built-file.js';
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

interface Waiting {
  resolve: (frame: Buffer) => void;
  reject: (error: Error) => void;
}

class CompressPool implements FrameMaker {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(size: number, dictionary: Buffer, level: number) {
    const script = builtFile('src/bundle/compress-worker.js', 'The compression worker');
    for (let index = 0; index < size; index++) {
      const worker = new Worker(script, { workerData: { dictionary, level } });
      const slot = { worker, busy: 0 };
      worker.on('message', (message: { id: number; frame: Uint8Array }) => {
        if (--slot.busy === 0) worker.unref();
        const { frame } = message;
        this.waiting.get(message.id)?.resolve(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
        this.waiting.delete(message.id);
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('messageerror', (error) => this.fail(error));
      // Any stop but close()'s fails the pool, exit 0 too: the frames it was making never come.
      worker.on('exit', (code) => this.fail(new Error(`a compression worker stopped (exit ${code})`)));
      // An idle pool must not keep the process alive: it is held only while frames are awaited.
      // After the listeners, as adding the first 'message' listener refs the worker again.
      worker.unref();
      this.workers.push(slot);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }

  compress(data: Buffer): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.workers.reduce((least, candidate) => (candidate.busy < least.busy ? candidate : least));
    if (slot.busy++ === 0) slot.worker.ref();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // A copy of exactly the entry's bytes: cloning a view would copy its whole backing buffer.
      const copy = new Uint8Array(data);
      slot.worker.postMessage({ id, data: copy }, [copy.buffer]);
    });
  }

  async close(): Promise<void> {
    this.fail(new Error('the compression workers were closed'));
    await Promise.all(this.workers.map((slot) => slot.worker.terminate()));
  }
}
