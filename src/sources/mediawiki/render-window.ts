import type { PageJob } from './render-page.js';
import type { RenderPool, RenderResult } from './render-pool.js';

const BATCH_PAGES = 32;
/** A batch also ends at this many characters of page text: an HTML dump's articles are large. */
const BATCH_CHARACTERS = 1 << 20;

/**
 * Sends pages to the render pool in batches and hands the results back in dump order, keeping at
 * most two batches per worker in flight: the dump is read no faster than pages are written.
 */
export class RenderWindow {
  private batch: PageJob[] = [];
  private batchCharacters = 0;
  private readonly inFlight: { results: Promise<RenderResult[]>; jobs: PageJob[] }[] = [];

  constructor(
    private readonly pool: RenderPool,
    private readonly store: (result: RenderResult, job: PageJob) => Promise<void>,
  ) {}

  async add(job: PageJob): Promise<void> {
    this.batch.push(job);
    this.batchCharacters += job.text.length + (job.parsoidHtml?.length ?? 0);
    if (this.batch.length >= BATCH_PAGES || this.batchCharacters >= BATCH_CHARACTERS) await this.send();
  }

  /** Renders and stores what is left. */
  async finish(): Promise<void> {
    await this.send();
    while (this.inFlight.length > 0) await this.storeOldest();
  }

  private async send(): Promise<void> {
    if (this.batch.length === 0) return;
    const results = this.pool.render(this.batch);
    // A failing worker rejects every batch at once; each is awaited in turn, the first rethrows.
    results.catch(() => undefined);
    this.inFlight.push({ results, jobs: this.batch });
    this.batch = [];
    this.batchCharacters = 0;
    while (this.inFlight.length > this.pool.size * 2) await this.storeOldest();
  }

  private async storeOldest(): Promise<void> {
    const { results, jobs } = this.inFlight.shift()!;
    for (const [index, result] of (await results).entries()) await this.store(result, jobs[index]!);
  }
}
