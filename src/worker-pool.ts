import { Worker, type ResourceLimits, type Transferable } from 'node:worker_threads';

interface Waiting<Reply> {
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

/**
 * Worker threads that each take `{ id, job }` and answer `{ id, … }`; a job goes to the least busy.
 * A worker that stops (exit 0 too), fails or sends what cannot be read fails every job under way
 * and every later one, so a pack never waits for an answer that cannot come. An idle pool does
 * not keep the process alive.
 */
export class WorkerPool<Job, Reply extends { id: number }> {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly waiting = new Map<number, Waiting<Reply>>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(
    script: string,
    size: number,
    /** Names a worker in errors: "a compression worker stopped". */
    private readonly what: string,
    options: { workerData: unknown; resourceLimits?: ResourceLimits },
  ) {
    for (let index = 0; index < size; index++) {
      const worker = new Worker(script, options);
      const slot = { worker, busy: 0 };
      worker.on('message', (reply: Reply) => {
        if (--slot.busy === 0) worker.unref();
        this.waiting.get(reply.id)?.resolve(reply);
        this.waiting.delete(reply.id);
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('messageerror', (error) => this.fail(error));
      // Any stop but close()'s fails the pool, exit 0 too: the answers it owed never come.
      worker.on('exit', (code) => this.fail(new Error(`a ${what} stopped (exit ${code})`)));
      // After the listeners: adding the first 'message' listener refs the worker again.
      worker.unref();
      this.workers.push(slot);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }

  /** Sends a job to the least busy worker; `transfer` lists buffers handed over, not cloned. */
  run(job: Job, transfer: Transferable[] = []): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.workers.reduce((least, candidate) => (candidate.busy < least.busy ? candidate : least));
    // Held while it owes an answer, so the process waits for it.
    if (slot.busy++ === 0) slot.worker.ref();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      slot.worker.postMessage({ id, job }, transfer);
    });
  }

  async close(): Promise<void> {
    this.fail(new Error(`the ${this.what}s were closed`));
    await Promise.all(this.workers.map((slot) => slot.worker.terminate()));
  }
}
