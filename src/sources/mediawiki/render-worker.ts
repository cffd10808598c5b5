import { parentPort, workerData } from 'node:worker_threads';
import { createPageRenderer, type PageJob, type RenderSetup } from './render-page.js';

/** A worker thread of the render pool: batches of pages in, rendered pages (or the error) and template counts out. */
const renderer = createPageRenderer(workerData as RenderSetup);
parentPort!.on('message', ({ id, job: batch }: { id: number; job: PageJob[] }) => {
  const results = batch.map((job) => {
    try {
      return renderer.render(job);
    } catch (error) {
      return { path: job.path, error: (error as Error).message };
    }
  });
  parentPort!.postMessage({ id, results, counts: renderer.counts.drain() });
});
