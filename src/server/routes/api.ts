import type { Express } from 'express';
import type { AppContext } from '../context.js';
import { integer, single } from '../http.js';
import { hitUrl, viewerUrl } from '../pages/layout.js';
import { runSearch } from './pages.js';

/** The JSON the viewer and other programs use. */
export function apiRoutes(app: Express, context: AppContext): void {
  app.get('/api/search', async (request, response) => {
    const { results, unavailable } = await runSearch(context, request, response);
    response.setHeader('Cache-Control', 'no-cache');
    const hits = results.hits.map((hit) => ({ ...hit, url: hitUrl(hit) }));
    response.json(unavailable.length > 0 ? { ...results, hits, unavailable } : { ...results, hits });
  });

  app.get('/api/suggest', async (request, response) => {
    const prefix = (single(request.query.q) ?? '').slice(0, 200);
    const name = single(request.query.bundle);
    const items = name ? [await context.bundleOf(name, response)] : await context.bundles(response);
    const limit = integer(request.query.limit, 10, 50) || 10;
    const lists = await Promise.all(
      items.map(async (item) =>
        (await (await item.searcher()).suggest(prefix, limit)).map((found) => ({
          ...found,
          bundle: item.name,
          url: viewerUrl(item.name, found.path),
        })),
      ),
    );
    await context.checkUnchanged(items);
    response.setHeader('Cache-Control', 'public, max-age=300');
    response.json(lists.flat().slice(0, limit));
  });

  app.get('/api/bundles', async (_request, response) => {
    response.json(
      (await context.listed()).map((item) => ({
        name: item.name,
        bytes: item.bytes,
        ...item.manifest,
      })),
    );
  });
}
