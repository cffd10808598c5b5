import { parentPort, workerData } from 'node:worker_threads';
import { createPageRenderer, type PageJob, type RenderSetup } from './render-page.js';

/** A worker thread of the render pool: batches of pages in, rendered pages (or the error) and template counts out. */
const renderer = createPageRenderer(workerData as RenderSetup);
parentPort!.on('message', (batch: { id: number; jobs: PageJob[] }) => {
  const results = batch.jobs.map((job) => {
    try {
      return renderer.render(job);
    } catch (error) {
      return { path: job.path, error: (error as Error).message };
    }
  });
  parentPort!.postMessage({ id: batch.id, results, counts: renderer.counts.drain() });
});
