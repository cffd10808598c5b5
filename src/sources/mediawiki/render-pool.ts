import { builtFile } from '../../built-file.js';
import { WorkerPool } from '../../worker-pool.js';
import type { PageJob, RenderedPage, RenderSetup } from './render-page.js';
import { TemplateCounts, type CallOutcome } from './templates/template-counts.js';

export type RenderResult = RenderedPage | { path: string; error: string };

/**
 * A worker's heap is capped well below V8's default (which grows with the machine's memory), so
 * that it collects garbage early: a render needs a few times its page's text, at most 8 MB.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 192, maxYoungGenerationSizeMb: 16 };

/** A render worker's answer: the batch's pages, and how their template calls were shown. */
interface RenderReply {
  id: number;
  results: RenderResult[];
  counts: [string, Record<CallOutcome, number>][];
}

/** Worker threads that render pages in batches, so parsing wikitext uses every core. */
export class RenderPool {
  private readonly pool: WorkerPool<PageJob[], RenderReply>;
  /** How the pages' template calls were shown, over every worker. */
  readonly counts = new TemplateCounts();

  constructor(size: number, setup: RenderSetup) {
    const script = builtFile('src/sources/mediawiki/render-worker.js', 'The render worker');
    this.pool = new WorkerPool(script, size, 'render worker', { workerData: setup, resourceLimits: WORKER_LIMITS });
  }

  get size(): number {
    return this.pool.size;
  }

  /** Renders a batch on the least busy worker; results come back in the batch's order. */
  async render(jobs: PageJob[]): Promise<RenderResult[]> {
    const { results, counts } = await this.pool.run(jobs);
    this.counts.merge(counts);
    return results;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
