import { Worker } from 'node:worker_threads';
import { builtFile } from '../../built-file.js';
import type { PageJob, RenderedPage, RenderSetup } from './render-page.js';
import { TemplateCounts, type CallOutcome } from './templates/template-counts.js';

export type RenderResult = RenderedPage | { path: string; error: string };

/**
 * A worker's heap is capped well below V8's default (which grows with the machine's memory), so
 * that it collects garbage early: a render needs a few times its page's text, at most 8 MB.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 192, maxYoungGenerationSizeMb: 16 };

interface Waiting {
  resolve: (results: RenderResult[]) => void;
  reject: (error: Error) => void;
}

/** Worker threads that render pages in batches, so parsing wikitext uses every core. */
export class RenderPool {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private failure: Error | undefined;
  /** How the pages' template calls were shown, over every worker. */
  readonly counts = new TemplateCounts();

  constructor(size: number, setup: RenderSetup) {
    const script = builtFile('src/sources/mediawiki/render-worker.js', 'The render worker');
    for (let index = 0; index < size; index++) {
      const worker = new Worker(script, { workerData: setup, resourceLimits: WORKER_LIMITS });
      const slot = { worker, busy: 0 };
      worker.on(
        'message',
        (message: { id: number; results: RenderResult[]; counts: [string, Record<CallOutcome, number>][] }) => {
          slot.busy--;
          this.counts.merge(message.counts);
          this.waiting.get(message.id)?.resolve(message.results);
          this.waiting.delete(message.id);
        },
      );
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a render worker stopped (exit ${code})`));
      });
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

  /** Renders a batch on the least busy worker; results come back in the batch's order. */
  render(jobs: PageJob[]): Promise<RenderResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.workers.reduce((least, candidate) => (candidate.busy < least.busy ? candidate : least));
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      slot.worker.postMessage({ id, jobs });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((slot) => slot.worker.terminate()));
  }
}
